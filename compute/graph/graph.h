// SPDX-License-Identifier: MIT
#pragma once

#include "compute/gemm/gemm.h"
#include "compute/tensor.h"

#include <array>
#include <functional>
#include <string>
#include <vector>

namespace loupe::compute {

// The small op table every backend implements (ggml-backend style). Views cost nothing: they alias
// their source's memory with new shape/strides/offset.
enum class Op : uint8_t {
    Input,  // bound at run time by name
    Weight, // a tensor bound when the graph is built (model parameters, constants)
    View,   // reshape / permute / slice / broadcast-free expand of src0, no compute
    Cont,   // packed copy of a (possibly strided) src0
    Add,
    Sub,
    Mul,        // numpy-broadcast binary ops
    Linear,     // y = act(x W^T + b) + residual; x [..., K], W [N, K] (PyTorch layout), b [N]
    MatMul,     // batched a[..., M, K] x b[..., K, N] on strided views (attention)
    LayerNorm,  // over the last dim, with weight/bias
    Act,        // elementwise activation
    Softmax,    // softmax(scale * x) over the last dim
    PatchEmbed, // Conv2d with kernel = stride = patch, no padding: [B,C,H,W] -> [B, gh*gw, D] (+ bias)
    Concat,     // along one dim
    Bicubic,    // torch interpolate(mode="bicubic", align_corners=False) of [B,C,H,W] with given scales
    // Fused attention: softmax(scale * (q k^T + bias)) v over q [B,H,M,D], k [B,H,N,D], v [B,H,N,Dv]
    // (any strides) and an optional additive bias broadcast to [B,H,M,N]; out [B,H,M,Dv]. The graph
    // pass fuseAttention (compute/graph/fuse_attention.h) makes these from MatMul-Softmax-MatMul chains
    // whose probabilities nobody observes: models always build the separate ops, which attribution reads.
    Attention,
    // The backward ops a gradient graph (compute/autograd/backward_graph.h) is built from. Each reads
    // packed or strided f32 operands and writes one packed gradient.
    SoftmaxGrad,   // src0 y (the softmax output), src1 gy: scale * y * (gy - sum(gy * y)) per row; f0 scale
    LayerNormGrad, // src0 x (forward input), src1 weight (or -1), src2 gy: gx of LayerNorm over the last dim
    ActGrad,       // src0 z (activation input), src1 gy: gy * act'(z)
    BicubicGrad,   // src0 gy [B,C,OH,OW]: adjoint of Bicubic into [B,C,H,W]; f0, f1 the forward's scales
    Col2Im,        // src0 gcols [B, (H/P)*(W/P), C*P*P]: PatchEmbed's input gradient [B,C,H,W]; i0 = P
    SumTo,         // src0 x summed over the dims where the node's (numpy-broadcast) shape is 1 or missing
    // out = zeros(shape); out viewed with strides `aux` at element offset i0 = src0. The views never
    // overlap (checked when built): a view's gradient placed in its storage, and zero padding.
    Embed,
};
const char* opName(Op op);

struct Node
{
    Op op = Op::Input;
    DType dtype = DType::F32;
    Shape shape;
    Shape strides;                 // compute nodes are packed; views carry their own strides
    int64_t offset = 0;            // View: element offset from src0's first element
    int src[4] = {-1, -1, -1, -1}; // Linear: x, W, bias, residual
    Activation act = Activation::None;
    double f0 = 0, f1 = 0; // LayerNorm eps; Softmax scale; Bicubic scale factors (h, w)
    int64_t i0 = 0;        // Concat dim; PatchEmbed patch size; Col2Im patch; Embed offset
    Shape aux;             // Embed: strides of the placed view inside the output
    std::string name;      // inputs are bound by name; observed tensors are found by name
    bool keep = false;     // kept alive to the end and returned (outputs and observed intermediates)
    Tensor value;          // Weight: the bound tensor (any strides)
    std::shared_ptr<const PackedWeight> packed; // Weight: a linear weight held only in packed form

    int64_t numel() const { return shapeNumel(shape); }
    bool isView() const { return op == Op::View; }
};

using NodeId = int;

// A forward graph, built op by op with shapes checked as it grows. Node order is execution order.
class Graph
{
public:
    NodeId input(const std::string& name, Shape shape);
    NodeId weight(const std::string& name, const Tensor& value); // value must be f32 (convert at load)
    // A linear weight [N, K] held in the GEMM's packed layout; usable only as Linear/PatchEmbed weight.
    NodeId packedWeight(const std::string& name, std::shared_ptr<const PackedWeight> packed);

    // Views
    NodeId reshape(NodeId x, Shape shape); // inserts a Cont first when x is not packed
    NodeId permute(NodeId x, const std::vector<int64_t>& dims);
    NodeId slice(NodeId x, int64_t dim, int64_t start, int64_t end);
    NodeId cont(NodeId x); // x itself when already packed
    // Any view of x's memory (element strides/offset relative to x's first element; stride 0 broadcasts).
    // The caller guarantees it stays inside x.
    NodeId asStrided(NodeId x, Shape shape, Shape strides, int64_t offset);

    NodeId add(NodeId a, NodeId b);
    NodeId sub(NodeId a, NodeId b);
    NodeId mul(NodeId a, NodeId b);
    NodeId linear(NodeId x, NodeId w, NodeId bias = -1, Activation act = Activation::None,
                  NodeId residual = -1);
    NodeId matmul(NodeId a, NodeId b);
    NodeId layerNorm(NodeId x, NodeId w, NodeId b, double eps);
    NodeId activation(NodeId x, Activation act);
    NodeId softmax(NodeId x, double scale = 1.0);
    NodeId patchEmbed(NodeId pixels, NodeId w, NodeId bias, int64_t patch);
    NodeId concat(NodeId a, NodeId b, int64_t dim);
    NodeId bicubic(NodeId x, int64_t outH, int64_t outW, double scaleH, double scaleW);
    // bias < 0: none. q, k, v are rank-4 with equal leading dims; bias broadcasts to [B,H,M,N].
    NodeId attention(NodeId q, NodeId k, NodeId v, NodeId bias, double scale);

    // Backward ops (see Op). w < 0: LayerNorm without weight.
    NodeId softmaxGrad(NodeId y, NodeId gy, double scale);
    NodeId layerNormGrad(NodeId x, NodeId w, NodeId gy, double eps);
    NodeId actGrad(NodeId z, NodeId gy, Activation act);
    NodeId bicubicGrad(NodeId gy, int64_t H, int64_t W, double scaleH, double scaleW);
    NodeId col2im(NodeId gcols, Shape imageShape, int64_t patch);
    NodeId sumTo(NodeId x, Shape shape); // x itself when the shapes are equal
    NodeId embed(NodeId x, Shape shape, Shape strides, int64_t offset);
    // Zero padding: `before[i]` and `after[i]` elements around dim i of x (missing entries are 0).
    NodeId pad(NodeId x, const std::vector<int64_t>& before, const std::vector<int64_t>& after);

    // Adds a node that computes what `n` (of another graph) computes, reading `src` (this graph's ids,
    // -1 where n has no such operand): how graph passes and the scheduler's segments rebuild graphs.
    // Inputs, weights and views are copied as they are; the name and keep flag are not.
    NodeId copyOf(const Node& n, const std::array<NodeId, 4>& src);

    // Names a node (for observation) and returns it.
    NodeId name(NodeId x, const std::string& name);
    void keep(NodeId x) { nodes_[size_t(x)].keep = true; }
    // Marks every node whose name passes the filter as kept; returns how many matched.
    int keepMatching(const std::function<bool(const std::string&)>& filter);

    const std::vector<Node>& nodes() const { return nodes_; }
    const Node& node(NodeId id) const { return nodes_[size_t(id)]; }
    size_t size() const { return nodes_.size(); }
    // The node that owns the memory a node lives in (itself unless it is a view).
    NodeId storageRoot(NodeId id) const;
    bool isContiguous(NodeId id) const;
    NodeId find(const std::string& name) const; // -1 if absent

private:
    NodeId push(Node n);
    NodeId binary(Op op, NodeId a, NodeId b);
    NodeId view(NodeId x, Shape shape, Shape strides, int64_t offset);
    const Node& at(NodeId id) const;

    std::vector<Node> nodes_;
};

// Simple glob match ('*' any run, '?' one char) used for observation filters like "blk.*.attn_probs".
bool globMatch(const std::string& pattern, const std::string& text);

} // namespace loupe::compute
