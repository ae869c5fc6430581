// SPDX-License-Identifier: MIT
// The SmoothGrad plugin on the shipped shapes classifier. With no noise and one sample its signed map
// is the input gradient pooled per patch: each cell must equal an independent central finite
// difference of the model's logit when that patch is brightened. Through core::explainMap (the
// registry hook `loupe explain` and the Explain view use) maps are seeded, |map| bounds the signed one,
// and a cancel stops it.
#include "core/explain/explainer.h"
#include "core/samples/shapesworld.h"
#include "plugins/host/explain_session.h"
#include "plugins/host/plugin_host.h"

#include <QPluginLoader>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <cmath>

using namespace loupe;

namespace {

const QString kPlugin = QStringLiteral(LOUPE_PLUGIN_BUILD_DIR "/libloupe_smoothgrad.so");

int argmax(const std::vector<float>& v)
{
    return int(std::max_element(v.begin(), v.end()) - v.begin());
}

} // namespace

class TestSmoothGrad : public QObject
{
    Q_OBJECT

    std::optional<core::VitSession> m_session;
    compute::attribution::PlanarImage m_image;
    int m_target = 0;

private slots:
    void initTestCase()
    {
        plugins::PluginHost host;
        const plugins::PluginRecord& r = host.loadFile(kPlugin, QStringLiteral("test"));
        QVERIFY2(r.loaded, qPrintable(r.reason));
        m_session = core::VitSession::open(QStringLiteral(LOUPE_SOURCE_DIR "/resources/models/shapes-vit"));
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("star.png"));
        QVERIFY(core::ShapesWorld(4242).generate(3).image.save(png));
        m_image = core::toPlanar(m_session->pixelValues(png));
        m_target = argmax(core::logitsOf(*m_session, m_image));
    }

    void signedMapIsTheFiniteDifferenceOfThePatch()
    {
        auto* method = qobject_cast<plugin::ExplanationMethodInterface*>(QPluginLoader(kPlugin).instance());
        QVERIFY(method);
        plugins::VitModelSession session(*m_session, nullptr);
        const plugin::ExplainImage image = plugins::toExplainImage(m_image);
        std::vector<float> map;
        QString error;
        QVERIFY2(method->map(QStringLiteral("smoothgrad-signed"), session, image, m_target,
                             {{QStringLiteral("samples"), 1}, {QStringLiteral("noise"), 0.0}}, &map, &error),
                 qPrintable(error));
        const plugin::MapGrid g = session.grid(image.height, image.width);
        QCOMPARE(map.size(), size_t(g.rows * g.cols));

        // d logit / d(brightening every pixel and channel of a patch by one), by central differences.
        const float eps = 1e-2f;
        std::vector<plugin::ExplainImage> shifted;
        for (int cell = 0; cell < g.rows * g.cols; ++cell)
            for (float sign : {1.0f, -1.0f}) {
                plugin::ExplainImage x = image;
                const int r0 = cell / g.cols * g.patchHeight, c0 = cell % g.cols * g.patchWidth;
                for (int ch = 0; ch < x.channels; ++ch)
                    for (int y = r0; y < r0 + g.patchHeight; ++y)
                        for (int xx = c0; xx < c0 + g.patchWidth; ++xx)
                            x.data[(size_t(ch) * x.height + y) * x.width + xx] += sign * eps;
                shifted.push_back(std::move(x));
            }
        std::vector<float> logit;
        for (size_t i = 0; i < shifted.size(); i += 32) {
            std::vector<const plugin::ExplainImage*> batch;
            for (size_t j = i; j < std::min(shifted.size(), i + 32); ++j)
                batch.push_back(&shifted[j]);
            const std::vector<float> l = session.logits(batch);
            for (size_t b = 0; b < batch.size(); ++b)
                logit.push_back(l[b * size_t(session.classCount()) + size_t(m_target)]);
        }
        const float pixels = float(g.patchHeight * g.patchWidth);
        float largest = 0, worst = 0;
        for (float v : map)
            largest = std::max(largest, std::abs(v));
        QVERIFY(largest > 0);
        for (size_t cell = 0; cell < map.size(); ++cell) {
            const float fd = (logit[2 * cell] - logit[2 * cell + 1]) / (2 * eps) / pixels;
            worst = std::max(worst, std::abs(fd - map[cell]));
        }
        qInfo("largest cell %.3g, worst gap to finite differences %.3g", double(largest), double(worst));
        QVERIFY2(worst <= 0.02f * largest,
                 qPrintable(QStringLiteral("gap %1 of %2").arg(worst).arg(largest)));
    }

    void explainMapRunsThePluginSeeded()
    {
        core::ExplainParams p;
        p.method = QStringLiteral("smoothgrad");
        p.seed = 3;
        p.igSteps = 4; // the sample count
        p.batchSize = 4;
        const std::vector<float> a = core::explainMap(*m_session, m_image, m_target, p);
        const std::vector<float> b = core::explainMap(*m_session, m_image, m_target, p);
        const compute::attribution::PatchGrid g = core::patchGrid(*m_session, m_image.height, m_image.width);
        QCOMPARE(a.size(), size_t(g.rows * g.cols));
        QCOMPARE(a, b);
        p.method = QStringLiteral("smoothgrad-signed");
        const std::vector<float> s = core::explainMap(*m_session, m_image, m_target, p);
        for (size_t i = 0; i < a.size(); ++i)
            QVERIFY2(a[i] >= std::abs(s[i]) - 1e-6f, "the mean of |v| is at least |mean of v|");
        p.method = QStringLiteral("smoothgrad");
        p.seed = 4;
        QVERIFY(core::explainMap(*m_session, m_image, m_target, p) != a);
    }

    void cancelStopsIt()
    {
        core::ExplainParams p;
        p.method = QStringLiteral("smoothgrad");
        p.igSteps = 8;
        p.batchSize = 2;
        int calls = 0;
        core::ExplainControl control;
        control.progress = [&](int done, int) {
            ++calls;
            return done < 2;
        };
        QVERIFY_THROWS_EXCEPTION(core::ExplainCancelled,
                                 core::explainMap(*m_session, m_image, m_target, p, &control));
        QCOMPARE(calls, 2);
    }
};

QTEST_GUILESS_MAIN(TestSmoothGrad)
#include "tst_smoothgrad.moc"
