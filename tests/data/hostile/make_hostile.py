#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Hand-made hostile checkpoint files: every one must be refused with a clear error, none may crash.

    python3 tests/data/hostile/make_hostile.py     (plain Python; no torch needed)

*.safetensors go to the safetensors reader, *.bin to the torch.save reader, *.pkl to the unpickler
(tests/compute/tst_safetensors_hostile.cpp).  evil_reduce.bin comes from ../torch/make_torch_bins.py and
crash-* / fuzz-* files, if any, from libFuzzer runs (tests/fuzz).
"""
import json
import os
import struct
import zipfile
import io

HERE = os.path.dirname(os.path.abspath(__file__))


def st(name, header, data=b"", declared=None):
    h = header if isinstance(header, bytes) else json.dumps(header, separators=(",", ":")).encode()
    n = len(h) if declared is None else declared
    with open(os.path.join(HERE, name + ".safetensors"), "wb") as f:
        f.write(struct.pack("<Q", n) + h + data)


def t(dtype, shape, begin, end):
    return {"dtype": dtype, "shape": shape, "data_offsets": [begin, end]}


def pkl(name, data):
    with open(os.path.join(HERE, name + ".pkl"), "wb") as f:
        f.write(data)


def torch_zip(name, entries, compress=False):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED) as z:
        for n, d in entries:
            z.writestr(n, d)
    with open(os.path.join(HERE, name + ".bin"), "wb") as f:
        f.write(buf.getvalue())


def state_pickle(numel, offset, size, stride, storage=b"FloatStorage", glob=b"torch._utils\n_rebuild_tensor_v2\n"):
    p = b"\x80\x02ccollections\nOrderedDict\nq\x00)R(X\x01\x00\x00\x00w"
    p += b"c" + glob
    p += b"((X\x07\x00\x00\x00storagectorch\n" + storage + b"\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpu"
    p += b"J" + struct.pack("<i", numel) + b"tQ"
    p += b"J" + struct.pack("<i", offset)
    p += b"(" + b"".join(b"J" + struct.pack("<i", s) for s in size) + b"t"
    p += b"(" + b"".join(b"J" + struct.pack("<i", s) for s in stride) + b"t"
    p += b"\x89h\x00)RtRu."
    return p


def main():
    f32x2 = struct.pack("<2f", 1.0, 2.0)
    open(os.path.join(HERE, "empty_file.safetensors"), "wb").close()
    with open(os.path.join(HERE, "short_file.safetensors"), "wb") as f:
        f.write(b"\x05\x00\x00")
    st("header_past_end", {"t": t("F32", [2], 0, 8)}, f32x2, declared=10_000)
    st("header_absurd", {"t": t("F32", [2], 0, 8)}, f32x2, declared=2**63 + 5)
    st("header_not_json", b'{"t": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]', f32x2)
    st("header_not_object", b'["F32", 2]', f32x2)
    st("header_nul_bytes", b"\x00" * 16, f32x2)
    st("offset_outside", {"t": t("F32", [2], 8, 16)}, f32x2)
    st("offset_reversed", {"t": t("F32", [0], 8, 0)}, f32x2)
    st("offset_huge", {"t": t("F32", [2], 0, 2**64 - 1)}, f32x2)
    st("offset_negative", {"t": t("F32", [2], -8, 0)}, f32x2)
    st("overlap", {"a": t("F32", [2], 0, 8), "b": t("F32", [1], 4, 8)}, f32x2)
    st("gap", {"a": t("F32", [1], 0, 4), "b": t("F32", [1], 8, 12)}, f32x2 + b"\x00" * 4)
    st("trailing", {"a": t("F32", [1], 0, 4)}, f32x2)
    st("size_mismatch", {"t": t("F32", [3], 0, 8)}, f32x2)
    st("negative_dim", {"t": t("F32", [-2, -1], 0, 8)}, f32x2)
    st("overflow_dims", {"t": t("F32", [2**62, 2**62], 0, 8)}, f32x2)
    st("overflow_wrap", {"t": t("F32", [2**32, 2**30], 0, 0)}, b"")
    st("unknown_dtype", {"t": t("F8_E5M2", [8], 0, 8)}, f32x2)
    st("dtype_not_string", {"t": {"dtype": 4, "shape": [2], "data_offsets": [0, 8]}}, f32x2)
    st("shape_not_array", {"t": {"dtype": "F32", "shape": 2, "data_offsets": [0, 8]}}, f32x2)
    st("shape_float", {"t": t("F32", [2.0], 0, 8)}, f32x2)
    st("offsets_three", {"t": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4, 8]}}, f32x2)
    st("duplicate_name", b'{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},'
                         b'"t":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', f32x2)
    st("metadata_not_strings", {"__metadata__": {"format": ["pt"]}}, b"")
    st("entry_not_object", {"t": "F32"}, b"")
    st("deep_json", b"[" * 50000 + b"]" * 50000, b"")

    pkl("global_os_system", b"\x80\x02cos\nsystem\nX\x02\x00\x00\x00lsR.")
    pkl("global_builtins_eval", b"\x80\x02cbuiltins\neval\nX\x01\x00\x00\x001\x85R.")
    pkl("stack_global_exec", b"\x80\x04\x8c\x08builtins\x8c\x04exec\x93.")
    pkl("inst_opcode", b"(ios\nsystem\nX\x02\x00\x00\x00ls.")
    pkl("obj_opcode", b"(cos\nsystem\nX\x02\x00\x00\x00lso.")
    pkl("newobj", b"\x80\x02ccollections\nOrderedDict\n)\x81.")
    pkl("reduce_storage_type", b"\x80\x02ctorch\nFloatStorage\n)R.")
    pkl("persid_text", b"P0\n.")
    pkl("ext1", b"\x80\x02\x82\x01.")
    pkl("truncated_string", b"\x80\x02X\xff\xff\xff\x7fab")
    pkl("no_stop", b"\x80\x02}")
    pkl("underflow", b"\x80\x02u.")
    pkl("memo_missing", b"\x80\x02j\x00\x00\x00\x10.")
    pkl("self_cycle", b"\x80\x02]q\x00h\x00a.")
    pkl("cycle_via_memo", b"\x80\x02]q\x00]q\x01h\x00a0h\x01a.")
    pkl("deep_lists", b"\x80\x02" + b"]" * 5000 + b"a" * 4999 + b".")
    pkl("deep_tuples", b"\x80\x02" + b")" + b"\x85" * 5000 + b".")
    pkl("long_too_wide", b"\x80\x02\x8a\x10" + b"\x01" * 16 + b".")
    pkl("bad_persistent_id", b"\x80\x02(X\x07\x00\x00\x00storageNNNNtQ.")
    pkl("rebuild_bad_args", b"\x80\x02ctorch._utils\n_rebuild_tensor_v2\nK\x01\x85R.")
    pkl("unknown_opcode", b"\x80\x02\xfe.")

    data = struct.pack("<6f", *range(6))
    torch_zip("bin_global_subprocess", [("a/data.pkl", state_pickle(6, 0, [2, 3], [3, 1],
                                         glob=b"subprocess\nPopen\n")), ("a/data/0", data)])
    torch_zip("bin_view_past_storage", [("a/data.pkl", state_pickle(6, 4, [2, 3], [3, 1])), ("a/data/0", data)])
    torch_zip("bin_storage_short", [("a/data.pkl", state_pickle(600, 0, [2, 3], [3, 1])), ("a/data/0", data)])
    torch_zip("bin_negative_stride", [("a/data.pkl", state_pickle(6, 5, [2, 3], [-3, 1])), ("a/data/0", data)])
    torch_zip("bin_negative_size", [("a/data.pkl", state_pickle(6, 0, [-2, 3], [3, 1])), ("a/data/0", data)])
    torch_zip("bin_huge_stride", [("a/data.pkl", state_pickle(6, 0, [2, 3], [2**31 - 1, 1])), ("a/data/0", data)])
    torch_zip("bin_missing_storage", [("a/data.pkl", state_pickle(6, 0, [2, 3], [3, 1]))])
    torch_zip("bin_compressed", [("a/data.pkl", state_pickle(6, 0, [2, 3], [3, 1])), ("a/data/0", data)], True)
    torch_zip("bin_no_pickle", [("a/data/0", data)])
    torch_zip("bin_pickle_not_dict", [("a/data.pkl", b"\x80\x02K\x01.")])
    good = io.BytesIO()
    with zipfile.ZipFile(good, "w") as z:
        z.writestr("a/data.pkl", state_pickle(6, 0, [2, 3], [3, 1]))
        z.writestr("a/data/0", data)
    g = good.getvalue()
    with open(os.path.join(HERE, "bin_truncated.bin"), "wb") as f:
        f.write(g[: len(g) - 40])
    bad_cd = bytearray(g)
    eocd = g.rfind(b"PK\x05\x06")
    struct.pack_into("<I", bad_cd, eocd + 16, 0xFFFFFFF0)  # central directory offset past the end
    with open(os.path.join(HERE, "bin_cd_offset_outside.bin"), "wb") as f:
        f.write(bad_cd)
    bad_local = bytearray(g)
    cd = g.rfind(b"PK\x01\x02")
    struct.pack_into("<I", bad_local, cd + 20, 0x7FFFFFFF)  # compressed size of the last entry past the end
    struct.pack_into("<I", bad_local, cd + 24, 0x7FFFFFFF)
    with open(os.path.join(HERE, "bin_entry_size_outside.bin"), "wb") as f:
        f.write(bad_local)
    many = bytearray(g)
    struct.pack_into("<H", many, eocd + 10, 0xFFFE)  # more entries than the directory can hold
    with open(os.path.join(HERE, "bin_entry_count_lies.bin"), "wb") as f:
        f.write(many)
    with open(os.path.join(HERE, "bin_legacy_format.bin"), "wb") as f:
        f.write(b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19.\x80\x02M\xe9\x03.")
    with open(os.path.join(HERE, "bin_not_zip.bin"), "wb") as f:
        f.write(b"this is not a checkpoint\n")


if __name__ == "__main__":
    main()
