// Runs on the audio thread: downsamples microphone audio to 16 kHz mono PCM16 and posts 100 ms frames.
class PcmCaptureProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.ratio = sampleRate / 16000;
    this.position = 0;
    this.frame = new Int16Array(1600);
    this.filled = 0;
  }

  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    // Linear interpolation from the context rate (often 48 kHz) to 16 kHz.
    for (; this.position < channel.length - 1; this.position += this.ratio) {
      const index = Math.floor(this.position);
      const fraction = this.position - index;
      const sample = channel[index] * (1 - fraction) + channel[index + 1] * fraction;
      this.frame[this.filled++] = Math.max(-32768, Math.min(32767, Math.round(sample * 32767)));
      if (this.filled === this.frame.length) {
        this.port.postMessage(this.frame.buffer.slice(0));
        this.filled = 0;
      }
    }
    this.position -= channel.length;
    return true;
  }
}

registerProcessor('pcm-capture', PcmCaptureProcessor);
