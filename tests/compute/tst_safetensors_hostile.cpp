// SPDX-License-Identifier: MIT
// Every file in tests/data/hostile (hand-made by make_hostile.py, torch-made evil pickles, fuzzer finds)
// must be refused with a compute::Error that names the file -- no crash, no other exception, no
// success. Run under ASan/UBSan builds it also proves no out-of-bounds read.
#include "compute/error.h"
#include "compute/io/mapped_file.h"
#include "compute/io/pickle.h"
#include "compute/io/safetensors.h"
#include "compute/io/torch_bin.h"

#include <QDir>
#include <QTest>
#include <string_view>

using namespace loupe::compute;

class TestSafetensorsHostile : public QObject
{
    Q_OBJECT
private slots:
    void corpus_data()
    {
        QTest::addColumn<QString>("path");
        const QDir dir(QString(LOUPE_TEST_DATA) + "/hostile");
        const QStringList files = dir.entryList({"*.safetensors", "*.bin", "*.pkl"}, QDir::Files, QDir::Name);
        QVERIFY2(files.size() >= 60, qPrintable(QString("only %1 hostile files").arg(files.size())));
        for (const QString& f : files)
            QTest::newRow(qPrintable(f)) << dir.filePath(f);
    }
    void corpus()
    {
        QFETCH(QString, path);
        const std::string p = path.toStdString();
        try {
            if (path.endsWith(".safetensors")) {
                SafetensorsFile::open(p);
            } else {
                const auto map = MappedFile::open(p);
                if (path.endsWith(".bin"))
                    readTorchBin(map->data(), map->size(), p);
                else
                    unpickle(std::string_view(reinterpret_cast<const char*>(map->data()), map->size()), p);
            }
            QFAIL("hostile file accepted");
        } catch (const Error& e) {
            const QString msg = e.what();
            QVERIFY2(msg.startsWith(path), qPrintable(msg));          // names the file first
            QVERIFY2(msg.size() > path.size() + 10, qPrintable(msg)); // and says something about it
            qInfo("%s", qPrintable(msg.mid(path.size() - QFileInfo(path).fileName().size())));
        }
    }
};

QTEST_GUILESS_MAIN(TestSafetensorsHostile)
#include "tst_safetensors_hostile.moc"
