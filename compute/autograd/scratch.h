// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <memory>

namespace loupe::compute::autograd {

// A 64-byte aligned block of at least `bytes` for a gradient run's forward arena. Blocks come back to a
// small process-wide pool when the last owner lets go, so repeated runs (a slider, IG steps) reuse
// memory that is already mapped instead of page-faulting a fresh arena of tens of MiB every time.
// The pool keeps at most two blocks of up to 256 MiB each; LOUPE_GRAD_NO_POOL=1 turns it off.
std::shared_ptr<void> scratchBlock(size_t bytes);

} // namespace loupe::compute::autograd
