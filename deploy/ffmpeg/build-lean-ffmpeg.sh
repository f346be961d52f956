#!/usr/bin/env bash
# Builds the ffmpeg and ffprobe the worker runs: Debian's own ffmpeg source (the version apt has, with
# Debian's patches), configured for what Voxflow does with media: demux anything, decode audio, write
# 16 kHz PCM WAV, find silences. No external libraries, no network protocols, no video decoders.
#
# Why not Debian's binary: it links 215 shared libraries, and resolving their symbols at every start costs
# 40–100 ms of CPU, more than decoding a short recording (docs/benchmarks.md). This build links libc and
# libm only. Its output is byte-identical to Debian's for the same input.
#
# Usage: build-lean-ffmpeg.sh OUT_DIR   (needs apt-get, dpkg-source, gcc, make, nasm; about 2 min on 2 cores)
set -euo pipefail

out=${1:?usage: build-lean-ffmpeg.sh OUT_DIR}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A source list of our own (deb-src beside the system's deb lines), so the system's apt setup is untouched.
. /etc/os-release
cat >"$work/sources.list" <<LIST
deb-src http://deb.debian.org/debian ${VERSION_CODENAME} main
deb-src http://deb.debian.org/debian ${VERSION_CODENAME}-updates main
deb-src http://deb.debian.org/debian-security ${VERSION_CODENAME}-security main
LIST
apt_opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$work/lists" -o APT::Sandbox::User=root)
mkdir -p "$work/lists/partial"
apt-get "${apt_opts[@]}" update -qq
(cd "$work" && apt-get "${apt_opts[@]}" source -qq ffmpeg)
src=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'ffmpeg-*' | head -1)

# Every native audio decoder (ffmpeg 5.1): what clients record in is theirs to choose.
decoders='aac*,ac3*,adpcm_*,alac,als,amrnb,amrwb,ape,aptx*,atrac*,binkaudio_*,bmv_audio,comfortnoise,cook,dca'
decoders+=',dfpwm,dolby_e,dsd_*,dsicinaudio,dss_sp,dst,dvaudio,eac3,eightsvx_*,evrc,fastaudio,flac,g723_1,g729,gsm*'
decoders+=',hca,hcom,iac,ilbc,imc,interplay_acm,mace3,mace6,metasound,mlp,mp1*,mp2*,mp3*,mpc7,mpc8,msnsiren'
decoders+=',nellymoser,on2avc,opus,paf_audio,pcm_*,qcelp,qdm2,qdmc,ra_144,ra_288,ralf,s302m,sbc,shorten,sipr'
decoders+=',siren,smackaud,sonic,speex,tak,truehd,truespeech,tta,twinvq,vmdaudio,vorbis,wavpack,wma*,ws_snd1'
decoders+=',xma1,xma2,acelp_kelvin,*_dpcm'

cd "$src"
./configure --disable-everything --disable-autodetect --disable-network --disable-doc --disable-debug \
  --disable-ffplay --disable-avdevice --disable-swscale --disable-postproc --enable-static --disable-shared \
  --enable-protocol=file,pipe --enable-demuxers --enable-parsers --enable-decoder="$decoders" \
  --enable-encoder=pcm_s16le --enable-muxer=wav \
  --enable-filter=abuffer,abuffersink,aformat,anull,aresample,atrim,silencedetect >"$work/configure.log" ||
  { tail -20 "$work/configure.log" "$src/ffbuild/config.log" >&2; exit 1; }
make -j"$(nproc)" >"$work/make.log" 2>&1 || { tail -40 "$work/make.log" >&2; exit 1; }

mkdir -p "$out"
install -m 0755 ffmpeg ffprobe "$out/"
"$out/ffmpeg" -hide_banner -version | head -1
