#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the small DICOM files under tests/data/dicom/ (see the README there).

Uncompressed files come from pydicom; the compressed variants are made from them with GDCM's
gdcmconv (JPEG baseline, JPEG lossless, RLE, JPEG 2000). Every image is synthetic (gradients and
rings), every patient is invented. Run: python3 tools/dicom/make_test_dicoms.py tests/data/dicom
"""
import os
import subprocess
import sys

import numpy as np
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid, SecondaryCaptureImageStorage

W, H = 64, 48


def base(path, modality, rows=H, cols=W):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = SecondaryCaptureImageStorage
    meta.MediaStorageSOPInstanceUID = generate_uid(entropy_srcs=[path])
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(path, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = SecondaryCaptureImageStorage
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = generate_uid(entropy_srcs=["study"])
    ds.SeriesInstanceUID = generate_uid(entropy_srcs=["series", path])
    ds.PatientName = "Doe^Jane"
    ds.PatientID = "PAT-0042"
    ds.PatientBirthDate = "19700101"
    ds.PatientSex = "F"
    ds.StudyDate = "20260102"
    ds.StudyDescription = "Loupe synthetic study"
    ds.Modality = modality
    ds.Rows, ds.Columns = rows, cols
    return ds


def ramp(lo, hi, rows=H, cols=W):
    y, x = np.mgrid[0:rows, 0:cols]
    r = np.hypot(x - cols / 2, y - rows / 2)
    v = (x / (cols - 1)) * 0.7 + (np.sin(r / 3) * 0.5 + 0.5) * 0.3
    return lo + v * (hi - lo)


def grey(ds, pixels, bits_allocated, bits_stored, signed, photometric="MONOCHROME2"):
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = photometric
    ds.BitsAllocated = bits_allocated
    ds.BitsStored = bits_stored
    ds.HighBit = bits_stored - 1
    ds.PixelRepresentation = 1 if signed else 0
    dtype = {8: np.uint8, 16: np.int16 if signed else np.uint16}[bits_allocated]
    ds.PixelData = pixels.astype(dtype).tobytes()


def write(ds, folder, name):
    path = os.path.join(folder, name)
    ds.save_as(path, enforce_file_format=True)
    return path


def main(folder):
    os.makedirs(folder, exist_ok=True)
    made = []
    ds = base("grey8", "OT")
    grey(ds, ramp(0, 255), 8, 8, False)
    made.append(write(ds, folder, "grey8.dcm"))

    # A CT slice: signed 12-bit stored values (-1000..2000), Hounsfield units through rescale
    # (intercept -24), two window presets.
    ds = base("ct16", "CT")
    grey(ds, ramp(-1000, 2000), 16, 12, True)
    ds.RescaleSlope = 1
    ds.RescaleIntercept = -24
    ds.WindowCenter = [40, 300]
    ds.WindowWidth = [400, 1500]
    ds.WindowCenterWidthExplanation = ["SOFT TISSUE", "BONE"]
    made.append(write(ds, folder, "ct16.dcm"))

    # Rescale with a slope: stored 0..1000 become 0..2000 - 500.
    ds = base("rescale", "MR")
    grey(ds, ramp(0, 1000), 16, 16, False)
    ds.RescaleSlope = 2
    ds.RescaleIntercept = -500
    made.append(write(ds, folder, "rescale16.dcm"))

    # MONOCHROME1: the largest value is black.
    ds = base("mono1", "CR")
    grey(ds, ramp(0, 4095), 16, 12, False, "MONOCHROME1")
    ds.WindowCenter = 2048
    ds.WindowWidth = 4096
    made.append(write(ds, folder, "mono1.dcm"))

    ds = base("rgb", "XC")
    ds.SamplesPerPixel = 3
    ds.PhotometricInterpretation = "RGB"
    ds.PlanarConfiguration = 0
    ds.BitsAllocated = ds.BitsStored = 8
    ds.HighBit = 7
    ds.PixelRepresentation = 0
    rgb = np.zeros((H, W, 3), np.uint8)
    rgb[..., 0] = ramp(0, 255)
    rgb[..., 1] = 255 - ramp(0, 255)
    rgb[..., 2] = 64
    rgb[:8, :8] = (255, 0, 0)  # a red corner shows that the channels are not swapped
    ds.PixelData = rgb.tobytes()
    made.append(write(ds, folder, "rgb.dcm"))

    # The same colours plane by plane (Planar Configuration 1), and as YBR_FULL.
    ds.PlanarConfiguration = 1
    ds.PixelData = np.ascontiguousarray(rgb.transpose(2, 0, 1)).tobytes()
    made.append(write(ds, folder, "rgb_planar.dcm"))
    ds.PlanarConfiguration = 0
    ds.PhotometricInterpretation = "YBR_FULL"
    f = rgb.astype(float)
    y = 0.299 * f[..., 0] + 0.587 * f[..., 1] + 0.114 * f[..., 2]
    cb = 128 - 0.168736 * f[..., 0] - 0.331264 * f[..., 1] + 0.5 * f[..., 2]
    cr = 128 + 0.5 * f[..., 0] - 0.418688 * f[..., 1] - 0.081312 * f[..., 2]
    ds.PixelData = np.clip(np.round(np.stack([y, cb, cr], -1)), 0, 255).astype(np.uint8).tobytes()
    made.append(write(ds, folder, "ybr_full.dcm"))

    # Four frames, each brighter than the one before.
    ds = base("cine", "MR")
    frames = np.stack([ramp(0, 1000) + 500 * i for i in range(4)])
    grey(ds, frames, 16, 16, False)
    ds.NumberOfFrames = 4
    ds.WindowCenter = 1250
    ds.WindowWidth = 2500
    made.append(write(ds, folder, "multiframe.dcm"))

    def conv(src, dst, *flags):
        subprocess.run(["gdcmconv", *flags, os.path.join(folder, src), os.path.join(folder, dst)], check=True)
        made.append(os.path.join(folder, dst))

    conv("grey8.dcm", "jpeg_baseline.dcm", "--jpeg", "--lossy", "-q", "90")
    conv("ct16.dcm", "jpeg_lossless.dcm", "--jpeg")
    conv("ct16.dcm", "rle.dcm", "--rle")
    conv("ct16.dcm", "j2k.dcm", "--j2k")
    conv("rgb.dcm", "rgb_jpeg_baseline.dcm", "--jpeg", "--lossy", "-q", "95")
    conv("rgb.dcm", "rgb_j2k.dcm", "--j2k")
    conv("multiframe.dcm", "multiframe_j2k.dcm", "--j2k")

    # Malformed files: each must give a clear error, never a crash.
    bad = os.path.join(folder, "malformed")
    os.makedirs(bad, exist_ok=True)
    data = open(os.path.join(folder, "ct16.dcm"), "rb").read()
    j2k = open(os.path.join(folder, "j2k.dcm"), "rb").read()
    # A JPEG 2000 codestream cut in the middle.
    open(os.path.join(bad, "j2k_truncated.dcm"), "wb").write(j2k[: len(j2k) - 1200])
    # The DICOM structure intact, the JPEG 2000 header inside it zeroed (after SOC).
    start = j2k.find(b"\xff\x4f\xff\x51")
    open(os.path.join(bad, "j2k_damaged.dcm"), "wb").write(j2k[: start + 2] + b"\0" * 60 + j2k[start + 62 :])
    open(os.path.join(bad, "truncated.dcm"), "wb").write(data[: len(data) - 2000])
    ds = base("huge", "CT", rows=65535, cols=65535)
    grey(ds, np.zeros((4, 4)), 16, 16, False)
    made.append(write(ds, bad, "huge_dimensions.dcm"))
    # The pixel data element claims more bytes than the file has.
    i = data.rfind(b"\xe0\x7f\x10\x00")
    wrong = bytearray(data)
    wrong[i + 8 : i + 12] = (0x7FFFFFF0).to_bytes(4, "little")
    open(os.path.join(bad, "wrong_length.dcm"), "wb").write(bytes(wrong))
    open(os.path.join(bad, "preamble_only.dcm"), "wb").write(b"\0" * 128 + b"DICM")
    # The JPEG frame header (SOF0) turned into a TEM marker: DCMTK 3.6.7's marker walk never ends on it.
    jpeg = open(os.path.join(folder, "jpeg_baseline.dcm"), "rb").read()
    sof = jpeg.find(b"\xff\xc0", jpeg.find(b"\xff\xd8"))
    open(os.path.join(bad, "jpeg_tem_marker.dcm"), "wb").write(jpeg[:sof] + b"\xff\x01" + jpeg[sof + 2 :])
    # The same reached through a fill byte (FF FF) right after the quantisation table.
    dqt = jpeg.find(b"\xff\xdb", jpeg.find(b"\xff\xd8"))
    end = dqt + 2 + int.from_bytes(jpeg[dqt + 2 : dqt + 4], "big")
    open(os.path.join(bad, "jpeg_fill_then_tem.dcm"), "wb").write(jpeg[:end] + b"\xff\xff\x01" + jpeg[end + 3 :])
    for p in made:
        print(p, os.path.getsize(p))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/data/dicom")
