#version 450
#extension GL_EXT_control_flow_attributes : require
// Linear layers with f16 weights: B holds IEEE halves two to a 32-bit word and is widened to f32 on its
// way into shared memory, so products and sums stay f32 (mixed precision, as the GPU libraries do it)
// while the weight traffic halves. Reading whole words with unpackHalf2x16 needs no 16-bit storage
// feature: lavapipe 22.3 read zeros through a float16_t storage buffer, and every device has this.
#define B_TYPE uint
#define LOAD_B(i) loadHalf(i)
float loadHalf(int i);
#include "gemm_body.glsl"
float loadHalf(int i)
{
    vec2 pair = unpackHalf2x16(b[i >> 1]);
    return (i & 1) == 0 ? pair.x : pair.y;
}
