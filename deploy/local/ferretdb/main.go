// Command ferretdb runs FerretDB 1.24 (SQLite backend) through its embeddable package.
//
// `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2` compiles, but the binary panics at start
// ("Invalid build/version/version.txt file content") because the module ships without its generated
// version file. The embeddable package skips that check, so this entry point runs the same server code.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listenAddr := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on")
	dataDir := flag.String("data-dir", "", "directory for the SQLite databases (required)")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	flag.Parse()

	if *dataDir == "" {
		fail("-data-dir is required")
	}
	absDir, err := filepath.Abs(*dataDir)
	if err != nil {
		fail(err.Error())
	}
	if err := os.MkdirAll(absDir, 0o750); err != nil {
		fail(err.Error())
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fail("invalid -log-level: " + err.Error())
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	// FerretDB runs SQLite in WAL mode; without a sync per commit it stays durable across a crash of the server
	// (not of the machine) and spends 23 → 20 ms of CPU per short job (`npm run bench -- throughput`).
	server, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listenAddr},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + absDir + "/?_pragma=synchronous(normal)",
	})
	if err != nil {
		fail(err.Error())
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	logger.Info("FerretDB listening", "uri", server.MongoDBURI(), "data", absDir)
	if err := server.Run(ctx); err != nil {
		fail(err.Error())
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "ferretdb:", msg)
	os.Exit(1)
}
