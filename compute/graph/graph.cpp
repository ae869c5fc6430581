// SPDX-License-Identifier: MIT
#include "compute/graph/graph.h"

#include "compute/error.h"

#include <algorithm>

namespace loupe::compute {

const char* opName(Op op)
{
    switch (op) {
    case Op::Input:
        return "input";
    case Op::Weight:
        return "weight";
    case Op::View:
        return "view";
    case Op::Cont:
        return "cont";
    case Op::Add:
        return "add";
    case Op::Sub:
        return "sub";
    case Op::Mul:
        return "mul";
    case Op::Linear:
        return "linear";
    case Op::MatMul:
        return "matmul";
    case Op::LayerNorm:
        return "layer_norm";
    case Op::Act:
        return "act";
    case Op::Softmax:
        return "softmax";
    case Op::PatchEmbed:
        return "patch_embed";
    case Op::Concat:
        return "concat";
    case Op::Bicubic:
        return "bicubic";
    case Op::Attention:
        return "attention";
    case Op::SoftmaxGrad:
        return "softmax_grad";
    case Op::LayerNormGrad:
        return "layer_norm_grad";
    case Op::ActGrad:
        return "act_grad";
    case Op::BicubicGrad:
        return "bicubic_grad";
    case Op::Col2Im:
        return "col2im";
    case Op::SumTo:
        return "sum_to";
    case Op::Embed:
        return "embed";
    }
    return "?";
}

bool globMatch(const std::string& pattern, const std::string& text)
{
    size_t p = 0, t = 0, star = std::string::npos, mark = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
            ++p, ++t;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            mark = t;
        } else if (star != std::string::npos) {
            p = star + 1;
            t = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*')
        ++p;
    return p == pattern.size();
}

namespace {

[[noreturn]] void bad(const std::string& what)
{
    throw Error("graph", what);
}

} // namespace

const Node& Graph::at(NodeId id) const
{
    if (id < 0 || size_t(id) >= nodes_.size()) bad("node " + std::to_string(id) + " does not exist");
    return nodes_[size_t(id)];
}

NodeId Graph::push(Node n)
{
    if (n.op != Op::View && n.op != Op::Weight) n.strides = contiguousStrides(n.shape);
    nodes_.push_back(std::move(n));
    return NodeId(nodes_.size() - 1);
}

NodeId Graph::storageRoot(NodeId id) const
{
    while (at(id).op == Op::View)
        id = at(id).src[0];
    return id;
}

bool Graph::isContiguous(NodeId id) const
{
    const Node& n = at(id);
    int64_t acc = 1;
    for (size_t i = n.shape.size(); i-- > 0;) {
        if (n.shape[i] != 1 && n.strides[i] != acc) return false;
        acc *= n.shape[i];
    }
    return true;
}

NodeId Graph::find(const std::string& name) const
{
    for (size_t i = 0; i < nodes_.size(); ++i)
        if (nodes_[i].name == name) return NodeId(i);
    return -1;
}

NodeId Graph::input(const std::string& name, Shape shape)
{
    Node n;
    n.op = Op::Input;
    n.name = name;
    n.shape = std::move(shape);
    return push(std::move(n));
}

NodeId Graph::weight(const std::string& name, const Tensor& value)
{
    if (value.dtype() != DType::F32)
        bad("weight '" + name + "' must be converted to f32 before it enters a graph");
    Node n;
    n.op = Op::Weight;
    n.name = name;
    n.shape = value.shape();
    n.strides = value.strides();
    n.value = value;
    return push(std::move(n));
}

NodeId Graph::packedWeight(const std::string& name, std::shared_ptr<const PackedWeight> packed)
{
    if (!packed) bad("packed weight '" + name + "' is null");
    Node n;
    n.op = Op::Weight;
    n.name = name;
    n.shape = {packed->rows(), packed->cols()};
    n.strides = contiguousStrides(n.shape);
    n.packed = std::move(packed);
    return push(std::move(n));
}

NodeId Graph::view(NodeId x, Shape shape, Shape strides, int64_t offset)
{
    Node n;
    n.op = Op::View;
    n.src[0] = x;
    n.shape = std::move(shape);
    n.strides = std::move(strides);
    n.offset = offset;
    return push(std::move(n));
}

NodeId Graph::asStrided(NodeId x, Shape shape, Shape strides, int64_t offset)
{
    if (shape.size() != strides.size())
        bad("as_strided: shape " + shapeString(shape) + " and strides differ in rank");
    int64_t last = offset;
    for (size_t i = 0; i < shape.size(); ++i)
        last += (shape[i] - 1) * strides[i];
    const Node& n = at(x);
    int64_t extent = 0;
    for (size_t i = 0; i < n.shape.size(); ++i)
        extent += (n.shape[i] - 1) * n.strides[i];
    if (offset < 0 || last > extent)
        bad("as_strided: view " + shapeString(shape) + " reaches outside " + shapeString(n.shape));
    return view(x, std::move(shape), std::move(strides), offset);
}

NodeId Graph::cont(NodeId x)
{
    if (isContiguous(x)) return x;
    Node n;
    n.op = Op::Cont;
    n.src[0] = x;
    n.shape = at(x).shape;
    return push(std::move(n));
}

NodeId Graph::reshape(NodeId x, Shape shape)
{
    const int64_t total = at(x).numel();
    int64_t known = 1, infer = -1;
    for (size_t i = 0; i < shape.size(); ++i) {
        if (shape[i] == -1)
            infer = int64_t(i);
        else
            known *= shape[i];
    }
    if (infer >= 0 && known > 0) shape[size_t(infer)] = total / known;
    if (shapeNumel(shape) != total)
        bad("cannot reshape " + shapeString(at(x).shape) + " into " + shapeString(shape));
    x = cont(x);
    Shape strides = contiguousStrides(shape);
    return view(x, std::move(shape), std::move(strides), 0);
}

NodeId Graph::permute(NodeId x, const std::vector<int64_t>& dims)
{
    const Node& n = at(x);
    if (dims.size() != n.shape.size())
        bad("permute of " + shapeString(n.shape) + " needs " + std::to_string(n.shape.size()) +
            " dimensions");
    Shape shape(dims.size()), strides(dims.size());
    std::vector<bool> seen(dims.size());
    for (size_t i = 0; i < dims.size(); ++i) {
        const int64_t d = dims[i];
        if (d < 0 || size_t(d) >= dims.size() || seen[size_t(d)])
            bad("invalid permutation of " + shapeString(n.shape));
        seen[size_t(d)] = true;
        shape[i] = n.shape[size_t(d)];
        strides[i] = n.strides[size_t(d)];
    }
    return view(x, std::move(shape), std::move(strides), 0);
}

NodeId Graph::slice(NodeId x, int64_t dim, int64_t start, int64_t end)
{
    const Node& n = at(x);
    if (dim < 0) dim += int64_t(n.shape.size());
    if (dim < 0 || dim >= int64_t(n.shape.size()) || start < 0 || end > n.shape[size_t(dim)] || start > end)
        bad("invalid slice of " + shapeString(n.shape));
    Shape shape = n.shape;
    shape[size_t(dim)] = end - start;
    return view(x, std::move(shape), n.strides, start * n.strides[size_t(dim)]);
}

NodeId Graph::binary(Op op, NodeId a, NodeId b)
{
    const Shape &sa = at(a).shape, &sb = at(b).shape;
    const size_t nd = std::max(sa.size(), sb.size());
    Shape out(nd);
    for (size_t i = 0; i < nd; ++i) {
        const int64_t da = i < nd - sa.size() ? 1 : sa[i - (nd - sa.size())];
        const int64_t db = i < nd - sb.size() ? 1 : sb[i - (nd - sb.size())];
        if (da != db && da != 1 && db != 1)
            bad(std::string(opName(op)) + ": shapes " + shapeString(sa) + " and " + shapeString(sb) +
                " do not broadcast");
        out[i] = da == 1 ? db : da;
    }
    Node n;
    n.op = op;
    n.src[0] = a;
    n.src[1] = b;
    n.shape = out;
    return push(std::move(n));
}

NodeId Graph::add(NodeId a, NodeId b)
{
    return binary(Op::Add, a, b);
}
NodeId Graph::sub(NodeId a, NodeId b)
{
    return binary(Op::Sub, a, b);
}
NodeId Graph::mul(NodeId a, NodeId b)
{
    return binary(Op::Mul, a, b);
}

NodeId Graph::linear(NodeId x, NodeId w, NodeId bias, Activation act, NodeId residual)
{
    const Shape& sx = at(x).shape;
    const Shape& sw = at(w).shape;
    if (sx.empty() || sw.size() != 2 || sw[1] != sx.back())
        bad("linear: input " + shapeString(sx) + " does not fit weight " + shapeString(sw));
    if (bias >= 0 && at(bias).shape != Shape{sw[0]})
        bad("linear: bias " + shapeString(at(bias).shape) + " does not fit weight " + shapeString(sw));
    if (sx.size() != 2 || at(x).strides[1] != 1) x = cont(x);
    Shape out = sx;
    out.back() = sw[0];
    if (residual >= 0) {
        if (at(residual).shape != out)
            bad("linear: residual " + shapeString(at(residual).shape) + " does not match " +
                shapeString(out));
        residual = cont(residual);
    }
    Node n;
    n.op = Op::Linear;
    n.src[0] = x;
    n.src[1] = w;
    n.src[2] = bias;
    n.act = act;
    n.shape = out;
    n.src[3] = residual;
    return push(std::move(n));
}

NodeId Graph::matmul(NodeId a, NodeId b)
{
    const Shape &sa = at(a).shape, &sb = at(b).shape;
    if (sa.size() < 2 || sa.size() != sb.size() || sa.size() > 4 || sa[sa.size() - 1] != sb[sb.size() - 2])
        bad("matmul: shapes " + shapeString(sa) + " and " + shapeString(sb) + " do not multiply");
    Shape out = sa;
    for (size_t i = 0; i + 2 < sa.size(); ++i) {
        if (sa[i] != sb[i] && sa[i] != 1 && sb[i] != 1)
            bad("matmul: batch dims of " + shapeString(sa) + " and " + shapeString(sb) + " differ");
        out[i] = std::max(sa[i], sb[i]);
    }
    out.back() = sb.back();
    Node n;
    n.op = Op::MatMul;
    n.src[0] = a;
    n.src[1] = b;
    n.shape = out;
    return push(std::move(n));
}

NodeId Graph::layerNorm(NodeId x, NodeId w, NodeId b, double eps)
{
    x = cont(x);
    const int64_t d = at(x).shape.back();
    if (at(w).shape != Shape{d} || at(b).shape != Shape{d})
        bad("layer_norm: weight/bias do not match " + shapeString(at(x).shape));
    Node n;
    n.op = Op::LayerNorm;
    n.src[0] = x;
    n.src[1] = cont(w);
    n.src[2] = cont(b);
    n.f0 = eps;
    n.shape = at(x).shape;
    return push(std::move(n));
}

NodeId Graph::activation(NodeId x, Activation act)
{
    x = cont(x);
    Node n;
    n.op = Op::Act;
    n.src[0] = x;
    n.act = act;
    n.shape = at(x).shape;
    return push(std::move(n));
}

NodeId Graph::softmax(NodeId x, double scale)
{
    x = cont(x);
    Node n;
    n.op = Op::Softmax;
    n.src[0] = x;
    n.f0 = scale;
    n.shape = at(x).shape;
    return push(std::move(n));
}

NodeId Graph::patchEmbed(NodeId pixels, NodeId w, NodeId bias, int64_t patch)
{
    pixels = cont(pixels);
    const Shape& sp = at(pixels).shape;
    Shape sw = at(w).shape;
    if (at(w).packed && sp.size() == 4) // packed as [D, C * P * P]
        sw = {sw[0], sp[1], patch, sw[1] == sp[1] * patch * patch ? patch : -1};
    if (sp.size() != 4 || sw.size() != 4 || sw[1] != sp[1] || sw[2] != patch || sw[3] != patch)
        bad("patch_embed: pixels " + shapeString(sp) + " do not fit weight " + shapeString(sw));
    if (sp[2] < patch || sp[3] < patch)
        bad("patch_embed: image " + shapeString(sp) + " is smaller than one patch of " +
            std::to_string(patch));
    if (bias >= 0 && at(bias).shape != Shape{sw[0]})
        bad("patch_embed: bias does not match weight " + shapeString(sw));
    Node n;
    n.op = Op::PatchEmbed;
    n.src[0] = pixels;
    n.src[1] = at(w).packed ? w : cont(w);
    n.src[2] = bias;
    n.i0 = patch;
    n.shape = {sp[0], (sp[2] / patch) * (sp[3] / patch), sw[0]};
    return push(std::move(n));
}

NodeId Graph::concat(NodeId a, NodeId b, int64_t dim)
{
    const Shape &sa = at(a).shape, &sb = at(b).shape;
    if (dim < 0) dim += int64_t(sa.size());
    bool ok = sa.size() == sb.size() && dim >= 0 && dim < int64_t(sa.size());
    for (size_t i = 0; ok && i < sa.size(); ++i)
        ok = int64_t(i) == dim || sa[i] == sb[i];
    if (!ok)
        bad("concat: shapes " + shapeString(sa) + " and " + shapeString(sb) + " along dim " +
            std::to_string(dim));
    Node n;
    n.op = Op::Concat;
    n.src[0] = a;
    n.src[1] = b;
    n.i0 = dim;
    n.shape = sa;
    n.shape[size_t(dim)] += sb[size_t(dim)];
    return push(std::move(n));
}

NodeId Graph::bicubic(NodeId x, int64_t outH, int64_t outW, double scaleH, double scaleW)
{
    const Shape& s = at(x).shape;
    if (s.size() != 4 || outH <= 0 || outW <= 0)
        bad("bicubic: needs [B, C, H, W] input and a positive output size, got " + shapeString(s));
    Node n;
    n.op = Op::Bicubic;
    n.src[0] = x;
    n.shape = {s[0], s[1], outH, outW};
    n.f0 = scaleH;
    n.f1 = scaleW;
    return push(std::move(n));
}

NodeId Graph::attention(NodeId q, NodeId k, NodeId v, NodeId bias, double scale)
{
    const Shape &sq = at(q).shape, &sk = at(k).shape, &sv = at(v).shape;
    if (sq.size() != 4 || sk.size() != 4 || sv.size() != 4 || sq[0] != sk[0] || sq[1] != sk[1] ||
        sv[0] != sq[0] || sv[1] != sq[1] || sq[3] != sk[3] || sk[2] != sv[2])
        bad("attention: q " + shapeString(sq) + ", k " + shapeString(sk) + ", v " + shapeString(sv) +
            " do not fit [B,H,M,D], [B,H,N,D], [B,H,N,Dv]");
    if (bias >= 0) {
        const Shape& sb = at(bias).shape;
        const Shape scores = {sq[0], sq[1], sq[2], sk[2]};
        bool ok = sb.size() <= 4;
        for (size_t i = 0; ok && i < sb.size(); ++i) {
            const int64_t want = scores[4 - sb.size() + i];
            ok = sb[i] == want || sb[i] == 1;
        }
        if (!ok) bad("attention: bias " + shapeString(sb) + " does not broadcast to " + shapeString(scores));
    }
    Node n;
    n.op = Op::Attention;
    n.src[0] = q;
    n.src[1] = k;
    n.src[2] = v;
    n.src[3] = bias;
    n.f0 = scale;
    n.shape = {sq[0], sq[1], sq[2], sv[3]};
    return push(std::move(n));
}

NodeId Graph::softmaxGrad(NodeId y, NodeId gy, double scale)
{
    if (at(y).shape != at(gy).shape)
        bad("softmax_grad: y " + shapeString(at(y).shape) + " and gy " + shapeString(at(gy).shape) +
            " differ");
    Node n;
    n.op = Op::SoftmaxGrad;
    n.src[0] = cont(y);
    n.src[1] = cont(gy);
    n.f0 = scale;
    n.shape = at(y).shape;
    return push(std::move(n));
}

NodeId Graph::layerNormGrad(NodeId x, NodeId w, NodeId gy, double eps)
{
    const Shape& sx = at(x).shape;
    if (sx.empty() || at(gy).shape != sx || (w >= 0 && at(w).shape != Shape{sx.back()}))
        bad("layer_norm_grad: x " + shapeString(sx) + ", gy " + shapeString(at(gy).shape) + " do not match");
    Node n;
    n.op = Op::LayerNormGrad;
    n.src[0] = cont(x);
    n.src[1] = w >= 0 ? cont(w) : -1;
    n.src[2] = cont(gy);
    n.f0 = eps;
    n.shape = sx;
    return push(std::move(n));
}

NodeId Graph::actGrad(NodeId z, NodeId gy, Activation act)
{
    if (at(z).shape != at(gy).shape)
        bad("act_grad: z " + shapeString(at(z).shape) + " and gy " + shapeString(at(gy).shape) + " differ");
    Node n;
    n.op = Op::ActGrad;
    n.src[0] = cont(z);
    n.src[1] = cont(gy);
    n.act = act;
    n.shape = at(z).shape;
    return push(std::move(n));
}

NodeId Graph::bicubicGrad(NodeId gy, int64_t H, int64_t W, double scaleH, double scaleW)
{
    const Shape& s = at(gy).shape;
    if (s.size() != 4 || H <= 0 || W <= 0)
        bad("bicubic_grad: needs [B, C, OH, OW] and a positive input size, got " + shapeString(s));
    Node n;
    n.op = Op::BicubicGrad;
    n.src[0] = cont(gy);
    n.shape = {s[0], s[1], H, W};
    n.f0 = scaleH;
    n.f1 = scaleW;
    return push(std::move(n));
}

NodeId Graph::col2im(NodeId gcols, Shape imageShape, int64_t patch)
{
    const Shape& s = at(gcols).shape;
    if (imageShape.size() != 4 || patch <= 0 || s.size() != 3 || s[0] != imageShape[0] ||
        s[1] != (imageShape[2] / patch) * (imageShape[3] / patch) || s[2] != imageShape[1] * patch * patch)
        bad("col2im: columns " + shapeString(s) + " do not fit image " + shapeString(imageShape) +
            " with patch " + std::to_string(patch));
    Node n;
    n.op = Op::Col2Im;
    n.src[0] = cont(gcols);
    n.shape = std::move(imageShape);
    n.i0 = patch;
    return push(std::move(n));
}

NodeId Graph::sumTo(NodeId x, Shape shape)
{
    const Shape& sx = at(x).shape;
    if (sx == shape) return x;
    bool ok = shape.size() <= sx.size();
    for (size_t i = 0; ok && i < shape.size(); ++i) {
        const int64_t have = sx[sx.size() - shape.size() + i];
        ok = shape[i] == have || shape[i] == 1;
    }
    if (!ok) bad("sum_to: " + shapeString(sx) + " does not reduce to " + shapeString(shape));
    Node n;
    n.op = Op::SumTo;
    n.src[0] = x;
    n.shape = std::move(shape);
    return push(std::move(n));
}

NodeId Graph::embed(NodeId x, Shape shape, Shape strides, int64_t offset)
{
    const Shape& sx = at(x).shape;
    if (strides.size() != sx.size()) bad("embed: strides do not match " + shapeString(sx));
    // Non-overlapping: with dims sorted by stride, each stride reaches past everything below it.
    std::vector<size_t> order;
    for (size_t i = 0; i < sx.size(); ++i)
        if (sx[i] > 1) order.push_back(i);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return strides[a] < strides[b]; });
    int64_t reach = 1, last = offset;
    for (size_t i : order) {
        if (strides[i] < reach) bad("embed: the view " + shapeString(sx) + " overlaps itself");
        reach = strides[i] * sx[i];
        last += (sx[i] - 1) * strides[i];
    }
    if (offset < 0 || last >= std::max<int64_t>(shapeNumel(shape), 1) || shapeNumel(sx) == 0)
        bad("embed: the view " + shapeString(sx) + " reaches outside " + shapeString(shape));
    Node n;
    n.op = Op::Embed;
    n.src[0] = x;
    n.shape = std::move(shape);
    n.aux = std::move(strides);
    n.i0 = offset;
    return push(std::move(n));
}

NodeId Graph::pad(NodeId x, const std::vector<int64_t>& before, const std::vector<int64_t>& after)
{
    const Shape sx = at(x).shape;
    if (before.size() > sx.size() || after.size() > sx.size())
        bad("pad: more padding entries than dimensions of " + shapeString(sx));
    Shape out = sx;
    for (size_t i = 0; i < sx.size(); ++i) {
        const int64_t b = i < before.size() ? before[i] : 0, a = i < after.size() ? after[i] : 0;
        if (b < 0 || a < 0) bad("pad: negative padding of " + shapeString(sx));
        out[i] += b + a;
    }
    if (out == sx) return x;
    const Shape strides = contiguousStrides(out);
    int64_t offset = 0;
    for (size_t i = 0; i < before.size(); ++i)
        offset += before[i] * strides[i];
    return embed(x, out, strides, offset);
}

NodeId Graph::copyOf(const Node& n, const std::array<NodeId, 4>& src)
{
    switch (n.op) {
    case Op::Input:
        return input(n.name, n.shape);
    case Op::Weight:
        return n.packed ? packedWeight(n.name, n.packed) : weight(n.name, n.value);
    case Op::View:
        return asStrided(src[0], n.shape, n.strides, n.offset);
    case Op::Cont:
        return cont(src[0]);
    case Op::Add:
        return add(src[0], src[1]);
    case Op::Sub:
        return sub(src[0], src[1]);
    case Op::Mul:
        return mul(src[0], src[1]);
    case Op::Linear:
        return linear(src[0], src[1], src[2], n.act, src[3]);
    case Op::MatMul:
        return matmul(src[0], src[1]);
    case Op::LayerNorm:
        return layerNorm(src[0], src[1], src[2], n.f0);
    case Op::Act:
        return activation(src[0], n.act);
    case Op::Softmax:
        return softmax(src[0], n.f0);
    case Op::PatchEmbed:
        return patchEmbed(src[0], src[1], src[2], n.i0);
    case Op::Concat:
        return concat(src[0], src[1], n.i0);
    case Op::Bicubic:
        return bicubic(src[0], n.shape[2], n.shape[3], n.f0, n.f1);
    case Op::Attention:
        return attention(src[0], src[1], src[2], src[3], n.f0);
    case Op::SoftmaxGrad:
        return softmaxGrad(src[0], src[1], n.f0);
    case Op::LayerNormGrad:
        return layerNormGrad(src[0], src[1], src[2], n.f0);
    case Op::ActGrad:
        return actGrad(src[0], src[1], n.act);
    case Op::BicubicGrad:
        return bicubicGrad(src[0], n.shape[2], n.shape[3], n.f0, n.f1);
    case Op::Col2Im:
        return col2im(src[0], n.shape, n.i0);
    case Op::SumTo:
        return sumTo(src[0], n.shape);
    case Op::Embed:
        return embed(src[0], n.shape, n.aux, n.i0);
    }
    bad(std::string("op ") + opName(n.op) + " cannot be copied");
}

NodeId Graph::name(NodeId x, const std::string& name)
{
    at(x);
    nodes_[size_t(x)].name = name;
    return x;
}

int Graph::keepMatching(const std::function<bool(const std::string&)>& filter)
{
    int count = 0;
    for (Node& n : nodes_)
        if (!n.name.empty() && n.op != Op::Weight && n.op != Op::Input && filter(n.name)) {
            n.keep = true;
            ++count;
        }
    return count;
}

} // namespace loupe::compute
