// Microphone capture: float samples -> 16-bit PCM, 20 ms blocks, posted to the page.
class Capture extends AudioWorkletProcessor {
  constructor() { super(); this.buffer = []; this.size = sampleRate / 50; }
  process(inputs) {
    const input = inputs[0] && inputs[0][0];
    if (input) {
      for (let i = 0; i < input.length; i++) { this.buffer.push(input[i]); }
      while (this.buffer.length >= this.size) {
        const block = this.buffer.splice(0, this.size);
        const pcm = new Int16Array(block.length);
        for (let i = 0; i < block.length; i++) { pcm[i] = Math.max(-1, Math.min(1, block[i])) * 32767; }
        this.port.postMessage(pcm.buffer, [pcm.buffer]);
      }
    }
    return true;
  }
}
registerProcessor("capture", Capture);
