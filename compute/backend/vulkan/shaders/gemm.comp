#version 450
#extension GL_EXT_control_flow_attributes : require
// f32 operands throughout (the body and its tiling notes are in gemm_body.glsl).
#define B_TYPE float
#define LOAD_B(i) b[i]
#include "gemm_body.glsl"
