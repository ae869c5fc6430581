// SPDX-License-Identifier: MIT
#include "compute/io/pickle.h"

#include "compute/error.h"

#include <cstring>
#include <optional>
#include <unordered_map>

namespace loupe::compute {

namespace {

constexpr int kMaxDepth = 200; // nesting of containers; a state dict needs 3 or 4
constexpr size_t kMaxStack = 1u << 22;

std::optional<DType> storageDType(std::string_view global)
{
    if (global == "torch.FloatStorage") return DType::F32;
    if (global == "torch.HalfStorage") return DType::F16;
    if (global == "torch.BFloat16Storage") return DType::BF16;
    if (global == "torch.LongStorage") return DType::I64;
    if (global == "torch.IntStorage") return DType::I32;
    if (global == "torch.DoubleStorage") return DType::F64;
    if (global == "torch.ByteStorage") return DType::U8;
    if (global == "torch.BoolStorage") return DType::Bool;
    return std::nullopt;
}

bool allowedGlobal(std::string_view g)
{
    return g == "collections.OrderedDict" || g == "torch._utils._rebuild_tensor_v2" ||
           g == "torch._utils._rebuild_parameter" || storageDType(g).has_value();
}

class Unpickler
{
public:
    Unpickler(std::string_view bytes, const std::string& label) : b_(bytes), label_(label) {}

    PyRef run()
    {
        while (true) {
            const size_t at = pos_;
            const uint8_t op = u8();
            switch (op) {
            case 0x80:
                u8();
                break; // PROTO
            case 0x95:
                take(8);
                break;  // FRAME: framing is only a read-ahead hint
            case '.': { // STOP
                if (stack_.size() != 1 || !marks_.empty())
                    fail(at, "STOP with " + std::to_string(stack_.size()) + " values on the stack");
                return stack_.back();
            }
            case '(':
                marks_.push_back(stack_.size());
                break;
            case ')':
                push(make(PyKind::Tuple));
                break;
            case ']':
                push(make(PyKind::List));
                break;
            case '}':
                push(make(PyKind::Dict));
                break;
            case 'N':
                push(make(PyKind::None));
                break;
            case 0x88:
                push(makeInt(1, PyKind::Bool));
                break;
            case 0x89:
                push(makeInt(0, PyKind::Bool));
                break;
            case 'J':
                push(makeInt(int32_t(uint32_t(le(4)))));
                break;
            case 'K':
                push(makeInt(int64_t(le(1))));
                break;
            case 'M':
                push(makeInt(int64_t(le(2))));
                break;
            case 0x8a:
                push(makeInt(long1(at)));
                break;
            case 'G': {
                const uint64_t bits = be(8);
                auto o = make(PyKind::Float);
                std::memcpy(&o->f, &bits, 8);
                push(o);
                break;
            }
            case 'X':
                push(makeStr(PyKind::Str, take(le(4))));
                break;
            case 0x8c:
                push(makeStr(PyKind::Str, take(le(1))));
                break;
            case 0x8d:
                push(makeStr(PyKind::Str, take(le(8))));
                break;
            case 'T':
                push(makeStr(PyKind::Str, take(le(4))));
                break; // py2 str: treated as text
            case 'U':
                push(makeStr(PyKind::Str, take(le(1))));
                break;
            case 'B':
                push(makeStr(PyKind::Bytes, take(le(4))));
                break;
            case 'C':
                push(makeStr(PyKind::Bytes, take(le(1))));
                break;
            case 0x8e:
                push(makeStr(PyKind::Bytes, take(le(8))));
                break;
            case 't': {
                auto items = popToMark(at);
                push(makeSeq(PyKind::Tuple, std::move(items)));
                break;
            }
            case 0x85:
            case 0x86:
            case 0x87: {
                const size_t n = size_t(op - 0x84);
                need(at, n);
                std::vector<PyRef> items(stack_.end() - long(n), stack_.end());
                stack_.resize(stack_.size() - n);
                push(makeSeq(PyKind::Tuple, std::move(items)));
                break;
            }
            case 'l':
                push(makeSeq(PyKind::List, popToMark(at)));
                break;
            case 'd': {
                auto items = popToMark(at);
                if (items.size() % 2) fail(at, "DICT with an odd number of items");
                auto d = make(PyKind::Dict);
                for (size_t k = 0; k < items.size(); k += 2)
                    setItem(at, d, items[k], items[k + 1]);
                push(d);
                break;
            }
            case 'a': {
                need(at, 2);
                PyRef v = pop();
                append(at, top(at), v);
                break;
            }
            case 'e': {
                auto items = popToMark(at);
                need(at, 1);
                PyRef list = top(at);
                for (auto& v : items)
                    append(at, list, v);
                break;
            }
            case 's': {
                need(at, 3);
                PyRef v = pop();
                PyRef k = pop();
                setItem(at, top(at), k, v);
                break;
            }
            case 'u': {
                auto items = popToMark(at);
                if (items.size() % 2) fail(at, "SETITEMS with an odd number of items");
                need(at, 1);
                PyRef d = top(at);
                for (size_t k = 0; k < items.size(); k += 2)
                    setItem(at, d, items[k], items[k + 1]);
                break;
            }
            case 'q':
                memo_[le(1)] = top(at);
                break;
            case 'r':
                memo_[le(4)] = top(at);
                break;
            case 0x94: {
                const uint64_t k = memo_.size();
                memo_[k] = top(at);
                break;
            }
            case 'h':
                push(memoGet(at, le(1)));
                break;
            case 'j':
                push(memoGet(at, le(4)));
                break;
            case 'c': {
                std::string module(line(at));
                std::string name(line(at));
                push(makeGlobal(at, module + "." + name));
                break;
            }
            case 0x93: { // STACK_GLOBAL
                need(at, 2);
                PyRef name = pop();
                PyRef module = pop();
                if (module->kind != PyKind::Str || name->kind != PyKind::Str)
                    fail(at, "STACK_GLOBAL needs two strings");
                push(makeGlobal(at, module->s + "." + name->s));
                break;
            }
            case 'R': {
                need(at, 2);
                PyRef args = pop();
                PyRef fn = pop();
                push(reduce(at, fn, args));
                break;
            }
            case 'Q': {
                need(at, 1);
                push(persistent(at, pop()));
                break;
            }
            case 'b': { // BUILD: only OrderedDict's attribute state (torch's _metadata), which we drop
                need(at, 2);
                pop();
                if (top(at)->kind != PyKind::Dict)
                    fail(at, "BUILD on a " + std::string(pyKindName(top(at)->kind)) + " is not allowed");
                break;
            }
            case '0':
                need(at, 1);
                pop();
                break;
            case '2':
                need(at, 1);
                push(top(at));
                break;
            case '1':
                popToMark(at);
                break;
            case 'i':
            case 'o':
            case 0x81:
            case 0x92:
                fail(at,
                     "object construction opcode '" + opName(op) + "' refused: loading must not run code");
            case 'P':
            case 0x82:
            case 0x83:
            case 0x84:
                fail(at, "opcode '" + opName(op) + "' refused (not used by PyTorch state dicts)");
            default:
                fail(at, "unsupported pickle opcode " + opName(op));
            }
        }
    }

private:
    std::string_view b_;
    const std::string& label_;
    size_t pos_ = 0;
    std::vector<PyRef> stack_;
    std::vector<size_t> marks_;
    std::unordered_map<uint64_t, PyRef> memo_;

    static std::string opName(uint8_t op)
    {
        static const char* hex = "0123456789abcdef";
        std::string s = "0x";
        s += hex[op >> 4];
        s += hex[op & 15];
        if (op >= 0x20 && op < 0x7f) s += std::string(" ('") + char(op) + "')";
        return s;
    }
    [[noreturn]] void fail(size_t at, const std::string& what) const
    {
        throw Error(label_, "pickle: " + what + " (at byte " + std::to_string(at) + ")");
    }
    uint8_t u8()
    {
        if (pos_ >= b_.size()) fail(pos_, "truncated pickle (no STOP opcode)");
        return uint8_t(b_[pos_++]);
    }
    std::string_view take(uint64_t n)
    {
        if (n > b_.size() - pos_)
            fail(pos_, "truncated pickle: " + std::to_string(n) + " bytes announced, " +
                           std::to_string(b_.size() - pos_) + " left");
        std::string_view v = b_.substr(pos_, size_t(n));
        pos_ += size_t(n);
        return v;
    }
    uint64_t le(int n)
    {
        std::string_view v = take(uint64_t(n));
        uint64_t x = 0;
        for (int k = n - 1; k >= 0; --k)
            x = (x << 8) | uint8_t(v[size_t(k)]);
        return x;
    }
    uint64_t be(int n)
    {
        std::string_view v = take(uint64_t(n));
        uint64_t x = 0;
        for (int k = 0; k < n; ++k)
            x = (x << 8) | uint8_t(v[size_t(k)]);
        return x;
    }
    int64_t long1(size_t at)
    {
        const uint64_t n = le(1);
        std::string_view v = take(n);
        if (n == 0) return 0;
        if (n > 8) fail(at, "LONG1 integer wider than 64 bits");
        uint64_t x = 0;
        for (int k = int(n) - 1; k >= 0; --k)
            x = (x << 8) | uint8_t(v[size_t(k)]);
        if (n < 8 && (uint8_t(v[n - 1]) & 0x80)) x |= ~uint64_t(0) << (8 * n); // sign-extend
        return int64_t(x);
    }
    std::string_view line(size_t at)
    {
        const size_t nl = b_.find('\n', pos_);
        if (nl == std::string_view::npos || nl - pos_ > 256) fail(at, "GLOBAL name not terminated");
        std::string_view v = b_.substr(pos_, nl - pos_);
        pos_ = nl + 1;
        return v;
    }

    static PyRef make(PyKind k)
    {
        auto o = std::make_shared<PyObject>();
        o->kind = k;
        return o;
    }
    static PyRef makeInt(int64_t v, PyKind k = PyKind::Int)
    {
        auto o = make(k);
        o->i = v;
        return o;
    }
    static PyRef makeStr(PyKind k, std::string_view s)
    {
        auto o = make(k);
        o->s.assign(s);
        return o;
    }
    PyRef makeGlobal(size_t at, const std::string& name)
    {
        if (!allowedGlobal(name))
            fail(at, "global '" + name + "' is not allowed in a checkpoint (loading must not run code)");
        auto o = make(PyKind::Global);
        o->s = name;
        return o;
    }
    void adopt(size_t at, PyObject& parent, const PyRef& child)
    {
        if (child.get() == &parent) fail(at, "an object cannot contain itself");
        child->frozen = true;
        parent.depth = std::max(parent.depth, child->depth + 1);
        if (parent.depth > kMaxDepth) fail(at, "objects nested deeper than " + std::to_string(kMaxDepth));
    }
    PyRef makeSeq(PyKind k, std::vector<PyRef> items)
    {
        auto o = make(k);
        for (auto& c : items)
            adopt(pos_, *o, c);
        o->items = std::move(items);
        return o;
    }
    void append(size_t at, const PyRef& list, const PyRef& v)
    {
        if (list->kind != PyKind::List) fail(at, "APPEND to a " + std::string(pyKindName(list->kind)));
        if (list->frozen) fail(at, "APPEND to a list that is already part of another object");
        adopt(at, *list, v);
        list->items.push_back(v);
    }
    void setItem(size_t at, const PyRef& d, const PyRef& k, const PyRef& v)
    {
        if (d->kind != PyKind::Dict) fail(at, "SETITEM on a " + std::string(pyKindName(d->kind)));
        if (d->frozen) fail(at, "SETITEM on a dict that is already part of another object");
        adopt(at, *d, k);
        adopt(at, *d, v);
        d->dict.emplace_back(k, v);
    }
    void push(PyRef v)
    {
        if (stack_.size() >= kMaxStack) fail(pos_, "stack too deep");
        stack_.push_back(std::move(v));
    }
    void need(size_t at, size_t n) const
    {
        const size_t floor = marks_.empty() ? 0 : marks_.back();
        if (stack_.size() < floor + n) fail(at, "stack underflow");
    }
    PyRef pop()
    {
        PyRef v = std::move(stack_.back());
        stack_.pop_back();
        return v;
    }
    const PyRef& top(size_t at) const
    {
        need(at, 1);
        return stack_.back();
    }
    std::vector<PyRef> popToMark(size_t at)
    {
        if (marks_.empty()) fail(at, "no MARK on the stack");
        const size_t m = marks_.back();
        marks_.pop_back();
        std::vector<PyRef> items(stack_.begin() + long(m), stack_.end());
        stack_.resize(m);
        return items;
    }
    PyRef memoGet(size_t at, uint64_t k) const
    {
        auto it = memo_.find(k);
        if (it == memo_.end()) fail(at, "memo key " + std::to_string(k) + " was never stored");
        return it->second;
    }

    static bool intList(const PyRef& t, std::vector<int64_t>& out)
    {
        if (t->kind != PyKind::Tuple && t->kind != PyKind::List) return false;
        for (const auto& v : t->items) {
            if (v->kind != PyKind::Int) return false;
            out.push_back(v->i);
        }
        return true;
    }

    PyRef persistent(size_t at, const PyRef& pid)
    {
        const auto& it = pid->items;
        if (pid->kind != PyKind::Tuple || it.size() != 5 || it[0]->kind != PyKind::Str ||
            it[0]->s != "storage")
            fail(at, "persistent id is not a ('storage', type, key, location, numel) tuple");
        if (it[1]->kind != PyKind::Global || !storageDType(it[1]->s))
            fail(at, "persistent id names no storage type");
        if (it[2]->kind != PyKind::Str || it[4]->kind != PyKind::Int || it[4]->i < 0)
            fail(at, "persistent id has a bad key or element count");
        auto o = make(PyKind::Storage);
        o->storage.dtype = *storageDType(it[1]->s);
        o->storage.key = it[2]->s;
        o->storage.numel = it[4]->i;
        return o;
    }

    PyRef reduce(size_t at, const PyRef& fn, const PyRef& args)
    {
        if (fn->kind != PyKind::Global)
            fail(at, "REDUCE of a " + std::string(pyKindName(fn->kind)) +
                         " (only allowed globals may be called)");
        if (args->kind != PyKind::Tuple) fail(at, "REDUCE arguments are not a tuple");
        const auto& a = args->items;
        if (fn->s == "collections.OrderedDict") {
            if (!a.empty()) fail(at, "OrderedDict with constructor arguments is not supported");
            return make(PyKind::Dict);
        }
        if (fn->s == "torch._utils._rebuild_tensor_v2") {
            if (a.size() < 4 || a[0]->kind != PyKind::Storage || a[1]->kind != PyKind::Int)
                fail(at, "_rebuild_tensor_v2 arguments are not (storage, offset, size, stride, ...)");
            auto o = make(PyKind::Tensor);
            o->tensor.storage = a[0]->storage;
            o->tensor.offset = a[1]->i;
            if (!intList(a[2], o->tensor.shape) || !intList(a[3], o->tensor.stride) ||
                o->tensor.shape.size() != o->tensor.stride.size())
                fail(at, "_rebuild_tensor_v2 size/stride are not integer tuples of equal length");
            return o;
        }
        if (fn->s == "torch._utils._rebuild_parameter") {
            if (a.empty() || a[0]->kind != PyKind::Tensor) fail(at, "_rebuild_parameter without a tensor");
            return a[0];
        }
        // Storage type tags are globals too, but calling one would construct an object.
        fail(at, "calling '" + fn->s + "' is not allowed in a checkpoint");
    }
};

} // namespace

std::string_view pyKindName(PyKind k)
{
    switch (k) {
    case PyKind::None:
        return "None";
    case PyKind::Bool:
        return "bool";
    case PyKind::Int:
        return "int";
    case PyKind::Float:
        return "float";
    case PyKind::Str:
        return "str";
    case PyKind::Bytes:
        return "bytes";
    case PyKind::Tuple:
        return "tuple";
    case PyKind::List:
        return "list";
    case PyKind::Dict:
        return "dict";
    case PyKind::Global:
        return "global";
    case PyKind::Storage:
        return "storage";
    case PyKind::Tensor:
        return "tensor";
    }
    return "?";
}

PyRef unpickle(std::string_view bytes, const std::string& label)
{
    return Unpickler(bytes, label).run();
}

} // namespace loupe::compute
