// SPDX-License-Identifier: MIT
// Times ONNX Runtime (npm onnxruntime-node, CPU) on the exported ViT-B/16: batch 1 (20 runs) and batch 8.
import ort from 'onnxruntime-node';
const [model, threads = '2'] = process.argv.slice(2);
const s = await ort.InferenceSession.create(model, { intraOpNumThreads: +threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
async function time(batch, runs, warm) {
  const x = new ort.Tensor('float32', Float32Array.from({ length: batch * 3 * 224 * 224 }, (_, i) => Math.sin(i)), [batch, 3, 224, 224]);
  for (let i = 0; i < warm; ++i) await s.run({ pixel_values: x });
  const t = [];
  for (let i = 0; i < runs; ++i) { const a = process.hrtime.bigint(); await s.run({ pixel_values: x }); t.push(Number(process.hrtime.bigint() - a) / 1e6); }
  t.sort((a, b) => a - b);
  return { median_ms: t[Math.floor(t.length / 2)], min_ms: t[0] };
}
const b1 = await time(1, 20, 5), b8 = await time(8, 4, 1);
console.log(JSON.stringify({ runtime: 'onnxruntime-node ' + ort.env.versions.common, threads: +threads, batch1_ms_median: b1.median_ms, batch1_ms_min: b1.min_ms, batch8_images_per_s: 8000 / b8.median_ms }));
