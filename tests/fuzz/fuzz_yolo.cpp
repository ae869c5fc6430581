// SPDX-License-Identifier: MIT
// The YOLO reader on arbitrary bytes: data.yaml, then a line "---", then one labels file read against an
// image of the size the input's first bytes give (see annotation_fuzz.h). It must report or accept,
// never crash, hang or read out of bounds; accepted labels are written again in every task.
#include "annotation/formats/yolo.h"
#include "annotation_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data_, size_t size)
{
    using namespace loupe::annotation;
    fuzz::Input in;
    if (!fuzz::split(data_, size, in)) return 0;
    const qsizetype cut = in.file.indexOf("\n---\n");
    const QByteArray yamlText = cut < 0 ? in.file : in.file.left(cut);
    const QByteArray labels = cut < 0 ? QByteArray() : in.file.mid(cut + 5);
    FormatReport report;
    const auto yaml = yolo::parseDataYaml(yamlText, QStringLiteral("data.yaml"), report);
    if (!yaml) return 0;
    Dataset data;
    for (const QString& n : yaml->names)
        data.ensureLabel(n);
    if (data.labels.size() != size_t(yaml->names.size())) return 0;
    DatasetImage im;
    im.path = QStringLiteral("a.png");
    const QSize size_ = in.target.sizeOf(im.path).value_or(QSize(1, 1));
    im.width = size_.width();
    im.height = size_.height();
    if (!yolo::parseLabels(labels, QStringLiteral("a.txt"), *yaml, data, im, report) || report.hasErrors())
        return 0;
    data.images.push_back(im);
    for (YoloTask t : {YoloTask::Detect, YoloTask::Segment, YoloTask::Pose, YoloTask::Obb}) {
        FormatReport out;
        volatile qsizetype sink = yolo::labelFile(data, data.images[0], t, yaml->kptCount, out).size();
        (void)sink;
    }
    fuzz::exportAgain(data);
    return 0;
}
