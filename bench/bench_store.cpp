// SPDX-License-Identifier: MIT
// Project store and import throughput, printed as JSON:
//  - a project with 100,000 synthetic assets (with --annotations per asset in mixed review states and
//    every 7th image done): time to open it, count, and read the first browser page with its review
//    counts (target < 300 ms); the done and has-needs-fix filters' count + first page;
//  - import of 10,000 small generated PNGs (read + sha256 + header/decode check + insert; no thumbnails;
//    target >= 2,000 images/s);
//  - peak RSS.
// Usage: loupe_bench_store [--assets N] [--annotations N] [--images N] [--dir D]
#include "core/import/importjob.h"
#include "core/store/project.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QImage>
#include <QTemporaryDir>
#include <QThread>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sys/resource.h>

using namespace loupe::core;

namespace {

double ms(const QElapsedTimer& t)
{
    return double(t.nsecsElapsed()) / 1e6;
}

long peakRssKb()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    int assets = 100000, images = 10000, annotationsPerAsset = 3;
    QString base;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QLatin1String("--assets"))
            assets = args[++i].toInt();
        else if (args[i] == QLatin1String("--images"))
            images = args[++i].toInt();
        else if (args[i] == QLatin1String("--annotations"))
            annotationsPerAsset = std::max(0, args[++i].toInt());
        else if (args[i] == QLatin1String("--dir"))
            base = args[++i];
    }
    QTemporaryDir tmp(base.isEmpty() ? QDir::tempPath() + QStringLiteral("/loupe_bench_store_XXXXXX")
                                     : base + QStringLiteral("/loupe_bench_store_XXXXXX"));
    const QDir root(tmp.path());
    nlohmann::json out;
    out["benchmark"] = "store";
    out["threads"] = QThread::idealThreadCount();
    QString error;

    // 1. 100k synthetic rows.
    const QString bigPath = root.filePath(QStringLiteral("big.loupe"));
    {
        auto p = Project::create(bigPath, &error);
        if (!p) {
            std::cerr << error.toStdString() << "\n";
            return 1;
        }
        QElapsedTimer t;
        t.start();
        QVector<AssetRecord> batch;
        for (int i = 0; i < assets; ++i) {
            AssetRecord r;
            r.absolutePath = root.filePath(QStringLiteral("images/%1/img_%2.jpg").arg(i / 1000).arg(i));
            r.sha256Hex = QStringLiteral("%1").arg(i, 64, 16, QLatin1Char('0'));
            r.width = 640 + i % 7;
            r.height = 480;
            r.format = QStringLiteral("jpeg");
            r.fileSize = 50000 + i;
            r.split = i % 10 == 0 ? QStringLiteral("val") : QStringLiteral("train");
            batch.push_back(std::move(r));
            if (batch.size() == 5000 || i + 1 == assets) {
                if (!p->addAssets(batch, &error)) {
                    std::cerr << error.toStdString() << "\n";
                    return 1;
                }
                batch.clear();
            }
        }
        // Annotations straight into the table (no undo recording), review states cycling 0..3.
        Database& db = p->db();
        Transaction tx(db);
        Statement ins = db.prepare(QStringLiteral(
            "INSERT INTO annotations(asset_id, kind, geometry, review_state, created, updated) "
            "SELECT id, 'tag', '{\"v\":1,\"tag\":{}}', (id + ?1) % 4, 0, 0 FROM assets"));
        for (int k = 0; k < annotationsPerAsset; ++k) {
            ins.reset();
            ins.bind(1, qint64(k));
            ins.run();
        }
        db.exec(QStringLiteral("UPDATE assets SET done = 1 WHERE id % 7 = 0"));
        tx.commit();
        out["synthetic_assets"] = assets;
        out["synthetic_annotations"] = qint64(assets) * annotationsPerAsset;
        out["synthetic_insert_ms"] = ms(t);
    }
    {
        QElapsedTimer t;
        t.start();
        auto p = Project::open(bigPath, &error);
        if (!p) {
            std::cerr << error.toStdString() << "\n";
            return 1;
        }
        const double openMs = ms(t);
        const qint64 count = p->countAssets({});
        const double countMs = ms(t) - openMs;
        const auto page = p->assetPage({}, 0, 200);
        const double totalMs = ms(t);
        out["open_ms"] = openMs;
        out["count_ms"] = countMs;
        out["first_page_ms"] = totalMs - openMs - countMs;
        out["open_count_first_page_ms"] = totalMs;
        out["open_count_first_page_target_ms"] = 300;
        out["count"] = count;
        out["page_rows"] = page.size();
        // A filtered page, as the browser shows when the user picks a split.
        QElapsedTimer f;
        f.start();
        AssetFilter val;
        val.split = QStringLiteral("val");
        const qint64 valCount = p->countAssets(val);
        p->assetPage(val, 0, 200);
        out["filtered_count_and_page_ms"] = ms(f);
        out["filtered_count"] = valCount;
        // The review-progress filters of the browser.
        for (const char* which : {"done", "needs_fix"}) {
            AssetFilter filter;
            if (QLatin1String(which) == QLatin1String("done"))
                filter.done = true;
            else
                filter.hasNeedsFix = true;
            QElapsedTimer ft;
            ft.start();
            const qint64 n = p->countAssets(filter);
            p->assetPage(filter, 0, 200);
            out[std::string(which) + "_filter_count_and_page_ms"] = ms(ft);
            out[std::string(which) + "_filter_count"] = n;
        }
    }

    // 2. Import throughput: small distinct PNGs (64x64, noisy so they are not trivially compressible).
    const QString imgDir = root.filePath(QStringLiteral("png"));
    QDir().mkpath(imgDir);
    {
        QImage img(64, 64, QImage::Format_RGB32);
        quint32 s = 1;
        for (int i = 0; i < images; ++i) {
            for (int y = 0; y < 64; ++y) {
                auto* line = reinterpret_cast<QRgb*>(img.scanLine(y));
                for (int x = 0; x < 64; ++x) {
                    s = s * 1664525u + 1013904223u;
                    line[x] = 0xff000000u | (s >> 8);
                }
            }
            img.save(QDir(imgDir).filePath(QStringLiteral("img_%1.png").arg(i, 6, 10, QLatin1Char('0'))));
        }
    }
    {
        auto p = Project::create(root.filePath(QStringLiteral("import.loupe")), &error);
        if (!p) {
            std::cerr << error.toStdString() << "\n";
            return 1;
        }
        QElapsedTimer t;
        t.start();
        const ImportReport r = importFiles(*p, {imgDir});
        const double elapsed = ms(t);
        out["import_images"] = r.total;
        out["import_added"] = r.added;
        out["import_failed"] = r.failed.size();
        out["import_ms"] = elapsed;
        out["import_images_per_s"] = elapsed > 0 ? r.added / (elapsed / 1000.0) : 0.0;
        out["import_target_images_per_s"] = 2000;
    }
    out["peak_rss_mb"] = peakRssKb() / 1024.0;
    std::cout << out.dump(2) << std::endl;
    return 0;
}
