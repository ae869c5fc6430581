// SPDX-License-Identifier: MIT
#pragma once

// A detector registered as a plugin's would be ("FakeDetector"), and a checkpoint folder naming it, for
// tests of pre-labelling that must not depend on a real model. Header-only: only tests that link core
// include it.
#include "core/inference/detector.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <atomic>

namespace loupe::test {

// Per image: a "cat" with a 20 x 20 square mask at (10, 10) scoring 0.9, a box-only "dog" scoring 0.4 and
// a box (40, 5, 10, 6) labelled "zebra", a name the test projects do not have, scoring 0.7.
class FakeDetector : public core::Detector
{
public:
    static std::atomic<int>& calls()
    {
        static std::atomic<int> n{0};
        return n;
    }
    QString name() const override { return QStringLiteral("Fake squares"); }
    QString parameters() const override { return QStringLiteral("{\"grid\":4}"); }
    std::vector<core::Detection> detect(const QImage& image) override
    {
        ++calls();
        core::Detection cat;
        cat.label = QStringLiteral("cat");
        cat.score = 0.9;
        cat.box = QRectF(10, 10, 20, 20);
        cat.mask = QImage(image.size(), QImage::Format_Grayscale8);
        cat.mask.fill(0);
        for (int y = 10; y < 30; ++y)
            for (int x = 10; x < 30; ++x)
                cat.mask.scanLine(y)[x] = 255;
        core::Detection dog{QStringLiteral("dog"), 0.4, QRectF(1, 2, 3, 4), {}};
        core::Detection other{QStringLiteral("zebra"), 0.7, QRectF(40, 5, 10, 6), {}};
        return {cat, dog, other};
    }

    static void registerIt()
    {
        core::registerDetector(QStringLiteral("FakeDetector"),
                               [](const core::DetectorOptions&) { return std::make_unique<FakeDetector>(); });
    }
};

// A checkpoint folder the fake opens: config.json naming it and a one-tensor safetensors file, so the
// checkpoint hashes like a real one. `architecture` lets a test name one nobody registered.
inline bool writeFakeCheckpoint(const QString& dir, const QByteArray& architecture = "FakeDetector")
{
    if (!QDir().mkpath(dir)) return false;
    QFile config(dir + QStringLiteral("/config.json"));
    if (!config.open(QIODevice::WriteOnly)) return false;
    config.write("{\"architectures\": [\"" + architecture + "\"], \"model_type\": \"fake\"}");
    QFile weights(dir + QStringLiteral("/model.safetensors"));
    if (!weights.open(QIODevice::WriteOnly)) return false;
    QByteArray header = R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})";
    while (header.size() % 8)
        header += ' ';
    const quint64 n = quint64(header.size());
    QByteArray out(reinterpret_cast<const char*>(&n),
                   8); // the length is little-endian, as on every host we build for
    out += header;
    out += QByteArray(4, '\0');
    return weights.write(out) == out.size();
}

} // namespace loupe::test
