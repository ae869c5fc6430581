// SPDX-License-Identifier: MIT
#pragma once

// How both gradient paths (backward.cpp, backward_graph.cpp) see a node: where its elements live in its
// storage root, and how errors name it. Internal to compute/autograd.

#include "compute/graph/graph.h"

#include <string>

namespace loupe::compute::autograd {

// Where a node's elements live inside its storage root: views compose their offsets down the chain
// and already carry storage strides.
struct Ref
{
    NodeId root = -1;
    int64_t offset = 0;
    Shape shape, strides;
};

inline Ref refOf(const Graph& g, NodeId id)
{
    Ref r;
    r.shape = g.node(id).shape;
    r.strides = g.node(id).strides;
    while (g.node(id).op == Op::View) {
        r.offset += g.node(id).offset;
        id = g.node(id).src[0];
    }
    r.root = id;
    return r;
}

// Whether `strides` lay `shape` out row-major without gaps (size-1 dims may have any stride).
inline bool packedLayout(const Shape& shape, const Shape& strides)
{
    int64_t expect = 1;
    for (size_t d = shape.size(); d-- > 0;) {
        if (shape[d] != 1 && strides[d] != expect) return false;
        expect *= shape[d];
    }
    return true;
}

inline bool computes(const Node& n)
{
    return n.op != Op::Input && n.op != Op::Weight && n.op != Op::View;
}

inline std::string nodeLabel(const Graph& g, NodeId id)
{
    const Node& n = g.node(id);
    return n.name.empty() ? std::string(opName(n.op)) + " node " + std::to_string(id) : "'" + n.name + "'";
}

} // namespace loupe::compute::autograd
