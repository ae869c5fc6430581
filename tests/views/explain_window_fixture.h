// SPDX-License-Identifier: MIT
// Shared by the tests that run a method in the Explain view as a user does: the panel beside its canvas
// in a shown window, a run waited for, the explanation the run stored read back from the project, and a
// screenshot of the window.
#pragma once

#include "common/testsupport.h"
#include "core/explain/explain_record.h"
#include "core/store/project.h"
#include "views/canvas/imagecanvas.h"
#include "views/explain/explainpanel.h"

#include <QDir>
#include <QHBoxLayout>
#include <QSignalSpy>
#include <QTest>
#include <QWidget>
#include <algorithm>
#include <optional>

namespace explain_window_test {

// The Explain panel beside a canvas showing `imagePath`, in a window of the size people use.
struct ExplainWindow
{
    explicit ExplainWindow(const QString& imagePath)
    {
        auto* layout = new QHBoxLayout(&window);
        canvas = new loupe::views::ImageCanvas(&window);
        canvas->setImage(QImage(imagePath), imagePath);
        panel = new loupe::views::ExplainPanel(canvas, &window);
        layout->addWidget(canvas, 1);
        layout->addWidget(panel);
        window.resize(1100, 700);
    }

    // Shows the window and puts the panel on `asset`; false, with *why, when the window is not exposed or
    // the model does not get ready.
    bool showOn(loupe::core::Project& project, qint64 asset, QString* why)
    {
        window.show();
        if (!QTest::qWaitForWindowExposed(&window)) {
            *why = QStringLiteral("the Explain window was not exposed");
            return false;
        }
        panel->setProject(&project);
        panel->setAsset(asset);
        if (panel->isReady()) return true;
        QSignalSpy ready(panel, &loupe::views::ExplainPanel::ready);
        if (ready.wait(60000)) return true;
        *why = QStringLiteral("the Explain panel's model was not ready within a minute");
        return false;
    }

    // Runs the chosen method without the deletion curves (they only take time here) and waits for it;
    // false, with *why, when it did not start, did not end in two minutes or failed.
    bool explain(QString* why)
    {
        panel->setCurvesEnabled(false);
        QSignalSpy finished(panel, &loupe::views::ExplainPanel::finished);
        if (!panel->explain()) {
            *why = panel->lastError();
            return false;
        }
        if (!finished.wait(120000)) {
            *why = QStringLiteral("the explanation did not finish within two minutes");
            return false;
        }
        if (finished.first().first().toBool()) return true;
        *why = panel->lastError();
        return false;
    }

    // A screenshot of the window in the test artifacts, for people to look at.
    bool saveShot(const QString& fileName)
    {
        const QString dir = loupe::test::artifactDir();
        QDir().mkpath(dir);
        return window.grab().save(QDir(dir).filePath(fileName));
    }

    QWidget window;
    loupe::views::ImageCanvas* canvas = nullptr;
    loupe::views::ExplainPanel* panel = nullptr;
};

// The explanation stored by run `runId` of `asset`, as read back from the project; nullopt, with *why,
// when there is no such run or its record does not read.
inline std::optional<loupe::core::Explanation> storedExplanation(const loupe::core::Project& project,
                                                                 qint64 asset, qint64 runId, QString* why)
{
    const QVector<loupe::core::RunRecord> runs =
        project.runs(asset, QString::fromLatin1(loupe::core::kExplainRunKind));
    const auto run = std::find_if(runs.begin(), runs.end(),
                                  [&](const loupe::core::RunRecord& r) { return r.id == runId; });
    if (run == runs.end()) {
        *why = QStringLiteral("no explain run %1 for asset %2").arg(runId).arg(asset);
        return std::nullopt;
    }
    return loupe::core::fromRun(*run, why);
}

} // namespace explain_window_test
