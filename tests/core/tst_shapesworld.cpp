// SPDX-License-Identifier: MIT
#include "core/samples/shapegeometry.h"
#include "core/samples/shapesworld.h"
#include "core/samples/shapeswriter.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>
#include <QPainterPath>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

using namespace loupe::core;

namespace {

QByteArray folderHash(const QString& folder)
{
    QCryptographicHash h(QCryptographicHash::Sha256);
    QDir d(folder);
    QStringList files = d.entryList(QDir::Files, QDir::Name);
    for (const QString& f : files) {
        QFile file(d.filePath(f));
        if (!file.open(QIODevice::ReadOnly)) return {};
        h.addData(f.toUtf8());
        h.addData(file.readAll());
    }
    for (const QString& sub : d.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name))
        h.addData(folderHash(d.filePath(sub)));
    return h.result();
}

// Fill with Qt's own rasteriser (no antialiasing, odd-even) as an independent check of the polygon.
QImage qtMask(const std::vector<QPointF>& poly, int size)
{
    QImage img(size, size, QImage::Format_Grayscale8);
    img.fill(0);
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing, false);
    p.setPen(Qt::NoPen);
    p.setBrush(Qt::white);
    QPolygonF qp;
    for (const QPointF& pt : poly)
        qp << pt;
    p.drawPolygon(qp, Qt::OddEvenFill);
    return img;
}

double iou(const QImage& a, const QImage& b)
{
    int inter = 0, uni = 0;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x) {
            const bool pa = a.pixelColor(x, y).red() > 127, pb = b.pixelColor(x, y).red() > 127;
            inter += pa && pb;
            uni += pa || pb;
        }
    return uni ? double(inter) / uni : 1.0;
}

} // namespace

class TestShapesWorld : public QObject
{
    Q_OBJECT
private slots:
    void sameSeedSameImages()
    {
        const ShapesWorld a(42), b(42), c(43);
        for (int i = 0; i < 5; ++i) {
            const ShapesSample sa = a.generate(i), sb = b.generate(i);
            QCOMPARE(sa.image, sb.image);
            QCOMPARE(sa.objects.size(), sb.objects.size());
            for (size_t k = 0; k < sa.objects.size(); ++k)
                QCOMPARE(sa.objects[k].mask, sb.objects[k].mask);
        }
        int differing = 0;
        for (int i = 0; i < 5; ++i)
            differing += a.generate(i).image != c.generate(i).image;
        QCOMPARE(differing, 5);
        // Image i does not depend on the images before it.
        QCOMPARE(ShapesWorld(42).generate(3).image, a.generate(3).image);
    }

    void writtenFilesAreByteIdentical()
    {
        QTemporaryDir d1, d2, d3;
        ShapesWorldOptions o;
        o.clutter = true;
        o.noise = 10;
        QVERIFY(writeShapesDataset(d1.path(), ShapesWorld(7, o), 12).ok());
        QVERIFY(writeShapesDataset(d2.path(), ShapesWorld(7, o), 12).ok());
        QVERIFY(writeShapesDataset(d3.path(), ShapesWorld(8, o), 12).ok());
        const QByteArray h1 = folderHash(d1.path());
        QVERIFY(!h1.isEmpty());
        QCOMPARE(h1, folderHash(d2.path()));
        QVERIFY(h1 != folderHash(d3.path()));
    }

    void maskBoxPolygonAgree_data()
    {
        QTest::addColumn<int>("size");
        QTest::addColumn<bool>("varied");
        QTest::newRow("96") << 96 << false;
        QTest::newRow("96-varied") << 96 << true;
        QTest::newRow("200") << 200 << false;
    }
    void maskBoxPolygonAgree()
    {
        QFETCH(int, size);
        QFETCH(bool, varied);
        ShapesWorldOptions o;
        o.size = size;
        o.varied = varied;
        const ShapesWorld world(5, o);
        QSet<int> classesSeen;
        for (int i = 0; i < 40; ++i) {
            const ShapesSample s = world.generate(i);
            QVERIFY(!s.objects.empty() && s.objects.size() <= 4);
            QCOMPARE(s.image.size(), QSize(size, size));
            for (size_t k = 0; k < s.objects.size(); ++k) {
                const ShapeObject& obj = s.objects[k];
                classesSeen.insert(int(obj.cls));
                int area = 0, minX = size, minY = size, maxX = -1, maxY = -1;
                for (int y = 0; y < size; ++y)
                    for (int x = 0; x < size; ++x)
                        if (obj.mask.constScanLine(y)[x]) {
                            ++area;
                            minX = std::min(minX, x), maxX = std::max(maxX, x);
                            minY = std::min(minY, y), maxY = std::max(maxY, y);
                        }
                QCOMPARE(obj.area, area);
                QVERIFY(std::abs(obj.box.left() - minX) <= 1 && std::abs(obj.box.right() - maxX) <= 1);
                QVERIFY(std::abs(obj.box.top() - minY) <= 1 && std::abs(obj.box.bottom() - maxY) <= 1);
                // The polygon's box matches the mask's; sharp tips (star, triangle) can reach up to ~3 px
                // past the last pixel centre they cover.
                double px0 = 1e9, py0 = 1e9, px1 = -1e9, py1 = -1e9;
                for (const QPointF& p : obj.polygon) {
                    px0 = std::min(px0, p.x()), px1 = std::max(px1, p.x());
                    py0 = std::min(py0, p.y()), py1 = std::max(py1, p.y());
                }
                QVERIFY2(std::abs(px0 - minX) <= 3.0 && std::abs(px1 - (maxX + 1)) <= 3.0,
                         qPrintable(QString::number(i)));
                QVERIFY(std::abs(py0 - minY) <= 3.0 && std::abs(py1 - (maxY + 1)) <= 3.0);
                // Qt's rasteriser fills the same polygon to nearly the same pixels.
                const double j = iou(obj.mask, qtMask(obj.polygon, size));
                QVERIFY2(j > 0.9,
                         qPrintable(QStringLiteral("image %1 object %2 IoU %3").arg(i).arg(k).arg(j)));
                // Geometric area agrees with the pixel count (rasterisation error only).
                const double geo = shapeAreaFactor(obj.cls) * obj.radius * obj.radius;
                QVERIFY2(std::abs(area - geo) <= 0.15 * geo + 8,
                         qPrintable(QStringLiteral("area %1 vs %2").arg(area).arg(geo)));
                // The drawn pixels inside the mask have the object's colour (no blur, no noise).
                if (!varied) {
                    const QColor want = shapeColors()[size_t(obj.color)].rgb;
                    for (int y = obj.box.top(); y <= obj.box.bottom(); ++y)
                        for (int x = obj.box.left(); x <= obj.box.right(); ++x)
                            if (obj.mask.constScanLine(y)[x]) QCOMPARE(s.image.pixelColor(x, y), want);
                }
                // Objects never overlap, and the prominent one is clearly the largest.
                for (size_t m = k + 1; m < s.objects.size(); ++m)
                    for (int y = 0; y < size; ++y)
                        for (int x = 0; x < size; ++x)
                            QVERIFY(!(obj.mask.constScanLine(y)[x] && s.objects[m].mask.constScanLine(y)[x]));
                if (int(k) != s.prominent) QVERIFY(obj.area * 1.5 <= s.objects[size_t(s.prominent)].area);
            }
        }
        QCOMPARE(classesSeen.size(), kShapeClassCount);
    }

    void ringHasAHole()
    {
        const auto poly = shapePolygon(ShapeClass::Ring, QPointF(50, 50), 30, 0.3);
        const QImage m = rasterizePolygon(poly, 100, 100);
        QCOMPARE(m.pixelColor(50, 50).red(), 0);        // centre: the hole
        QCOMPARE(m.pixelColor(50 + 23, 50).red(), 255); // between inner (16.5) and outer (30) radius
        QCOMPARE(m.pixelColor(50, 50 - 23).red(), 255);
        QCOMPARE(m.pixelColor(50 - 23, 50).red(), 255);
    }

    void cocoJsonIsValid()
    {
        QTemporaryDir d;
        const auto r = writeShapesDataset(d.path(), ShapesWorld(3), 15);
        QVERIFY2(r.ok(), qPrintable(r.error));
        QFile f(r.annotationsPath);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QJsonParseError pe;
        const QJsonObject coco = QJsonDocument::fromJson(f.readAll(), &pe).object();
        QCOMPARE(pe.error, QJsonParseError::NoError);
        const QJsonArray cats = coco[QStringLiteral("categories")].toArray();
        QCOMPARE(cats.size(), kShapeClassCount);
        for (int c = 0; c < cats.size(); ++c) {
            QCOMPARE(cats[c].toObject()[QStringLiteral("id")].toInt(), c + 1);
            QCOMPARE(cats[c].toObject()[QStringLiteral("name")].toString(), shapeClassName(ShapeClass(c)));
        }
        const QJsonArray images = coco[QStringLiteral("images")].toArray();
        QCOMPARE(images.size(), 15);
        QSet<int> imageIds;
        for (const auto& v : images) {
            const QJsonObject im = v.toObject();
            imageIds.insert(im[QStringLiteral("id")].toInt());
            QVERIFY(QFile::exists(QDir(d.path()).filePath(im[QStringLiteral("file_name")].toString())));
            QCOMPARE(im[QStringLiteral("width")].toInt(), 96);
        }
        const QJsonArray anns = coco[QStringLiteral("annotations")].toArray();
        QCOMPARE(anns.size(), r.objects);
        for (int i = 0; i < anns.size(); ++i) {
            const QJsonObject a = anns[i].toObject();
            QCOMPARE(a[QStringLiteral("id")].toInt(), i + 1);
            QVERIFY(imageIds.contains(a[QStringLiteral("image_id")].toInt()));
            const int cat = a[QStringLiteral("category_id")].toInt();
            QVERIFY(cat >= 1 && cat <= kShapeClassCount);
            const QJsonArray bbox = a[QStringLiteral("bbox")].toArray();
            QCOMPARE(bbox.size(), 4);
            QVERIFY(bbox[2].toDouble() > 0 && bbox[3].toDouble() > 0);
            QVERIFY(bbox[0].toDouble() + bbox[2].toDouble() <= 96);
            const QJsonArray seg = a[QStringLiteral("segmentation")].toArray();
            QCOMPARE(seg.size(), 1);
            QVERIFY(seg[0].toArray().size() >= 6 && seg[0].toArray().size() % 2 == 0);
            QVERIFY(a[QStringLiteral("area")].toInt() > 0);
            QVERIFY(a[QStringLiteral("area")].toInt() <= bbox[2].toInt() * bbox[3].toInt());
            QCOMPARE(a[QStringLiteral("iscrowd")].toInt(), 0);
        }
        // The labels file names the prominent class of every image, in order.
        QFile lf(r.labelsPath);
        QVERIFY(lf.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(lf.readAll()).trimmed().split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 16);
        QCOMPARE(lines[0], QStringLiteral("file_name,label"));
        for (int i = 0; i < 15; ++i)
            QCOMPARE(lines[i + 1],
                     QStringLiteral("images/%1,%2")
                         .arg(shapesFileName(i), shapeClassName(ShapesWorld(3).generate(i).label())));
    }

    void badOptionsAreRefused()
    {
        ShapesWorldOptions o;
        o.size = 8;
        QVERIFY(!ShapesWorld::validate(o).isEmpty());
        o = {};
        o.maxObjects = 5;
        QVERIFY(!ShapesWorld::validate(o).isEmpty());
        QTemporaryDir d;
        const auto r = writeShapesDataset(d.path(), ShapesWorld(1), 0);
        QVERIFY(!r.ok());
        QFile blocker(QDir(d.path()).filePath(QStringLiteral("file")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        const auto r2 = writeShapesDataset(blocker.fileName(), ShapesWorld(1), 2);
        QVERIFY(!r2.ok());
        QVERIFY(r2.error.contains(blocker.fileName()));
    }
};

QTEST_MAIN(TestShapesWorld)
#include "tst_shapesworld.moc"
