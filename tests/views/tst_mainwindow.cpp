// SPDX-License-Identifier: MIT
// The main window's wiring over a scripted ProjectBackend: title, dataset → canvas, next/previous,
// undo/redo enabling, errors never lose the open project, dock layout kept, recent list, About, theme.
#include "common/testsupport.h"
#include "core/version.h"
#include "views/canvas/imagecanvas.h"
#include "views/dataset/datasetmodel.h"
#include "views/dataset/datasetpanel.h"
#include "views/mainwindow/aboutdialog.h"
#include "views/mainwindow/mainwindow.h"
#include "views/mainwindow/projectcontroller.h"
#include "views/mainwindow/recentprojects.h"
#include "views/quality/qualitydialog.h"
#include "views/theme.h"

#include <QApplication>
#include <QDockWidget>
#include <QLabel>
#include <QListView>
#include <QMenuBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe::views;

namespace {

struct FakeProject
{
    QString path;
    QStringList images; // absolute
};

class ListSource : public AssetSource
{
public:
    explicit ListSource(QStringList images) : m_images(std::move(images)) {}
    int count(const DatasetFilter& f, QString*) override { return int(filtered(f).size()); }
    QList<AssetRow> page(const DatasetFilter& f, int offset, int limit, QString*) override
    {
        QList<AssetRow> rows;
        const QList<int> idx = filtered(f);
        for (int i = offset; i < std::min(int(idx.size()), offset + limit); ++i)
            rows.append(AssetRow{idx[i] + 1, QFileInfo(m_images[idx[i]]).fileName(), m_images[idx[i]], 64, 48,
                                 QStringLiteral("train"), QStringLiteral("unreviewed"), 0});
        return rows;
    }

private:
    QList<int> filtered(const DatasetFilter& f) const
    {
        QList<int> out;
        for (int i = 0; i < m_images.size(); ++i)
            if (f.text.isEmpty() || m_images[i].contains(f.text)) out.append(i);
        return out;
    }
    QStringList m_images;
};

class FakeBackend : public ProjectBackend
{
public:
    explicit FakeBackend(FakeProject p) : m_p(std::move(p)) {}
    QString path() const override { return m_p.path; }
    QString summary() const override { return QStringLiteral("%1 images").arg(m_p.images.size()); }
    bool saveAs(const QString& path, QString* error) override
    {
        if (path.contains(QLatin1String("readonly"))) {
            *error = QStringLiteral("Cannot write %1: read-only").arg(path);
            return false;
        }
        savedAs = path;
        return true;
    }
    AssetSourceFactory assetSourceFactory() const override
    {
        return [images = m_p.images] { return std::make_unique<ListSource>(images); };
    }
    QList<QPair<qint64, QString>> labels() const override { return {{1, QStringLiteral("circle")}}; }
    QStringList splits() const override { return {QStringLiteral("train")}; }
    QStringList reviewStates() const override { return {QStringLiteral("unreviewed")}; }
    bool canUndo() const override { return m_done > 0; }
    bool canRedo() const override { return m_undone > 0; }
    QString undoText() const override { return canUndo() ? QStringLiteral("Import") : QString(); }
    QString redoText() const override { return QString(); }
    void undo() override
    {
        --m_done;
        ++m_undone;
        emit historyChanged();
    }
    void redo() override
    {
        ++m_done;
        --m_undone;
        emit historyChanged();
    }
    void importPaths(const QStringList& paths) override
    {
        imported += paths;
        ++m_done;
        emit historyChanged();
    }
    void requestThumbnail(qint64 id, const QString& path, int side) override
    {
        emit thumbnailReady(id, QImage(path).scaled(side, side, Qt::KeepAspectRatio));
    }

    QString savedAs;
    QStringList imported;

private:
    FakeProject m_p;
    int m_done = 0, m_undone = 0;
};

QColor colourOf(int i)
{
    return QColor::fromHsv((i * 47) % 360, 200, 220);
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    FakeProject m_project;

    ProjectOpener opener()
    {
        return [this](const QString& path, bool create, QString* error) -> std::unique_ptr<ProjectBackend> {
            if (!create && path != m_project.path) {
                *error = QStringLiteral("%1 is not a Loupe project (file is not a database)").arg(path);
                return nullptr;
            }
            FakeProject p = m_project;
            p.path = path;
            if (create) p.images.clear();
            return std::make_unique<FakeBackend>(p);
        };
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        qputenv("LOUPE_NO_DIALOGS", "1");
        m_project.path = m_dir.filePath(QStringLiteral("shapes.loupe"));
        for (int i = 0; i < 5; ++i) {
            QImage img(64, 48, QImage::Format_RGB32);
            img.fill(colourOf(i));
            const QString file = m_dir.filePath(QStringLiteral("img_%1.png").arg(i));
            QVERIFY(img.save(file));
            m_project.images << file;
        }
    }

    void openBrowseSelectAndStep()
    {
        MainWindow window(opener());
        window.show();
        QCOMPARE(window.windowTitle(), QStringLiteral("Loupe"));
        QSignalSpy shown(window.canvas(), &ImageCanvas::imageChanged);
        QVERIFY(window.openProject(m_project.path));
        QCOMPARE(window.windowTitle(), QStringLiteral("shapes — Loupe"));
        DatasetModel* model = window.controller()->datasetModel();
        QVERIFY(model);
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 5, 5000);
        // The first image is shown by itself, decoded off the GUI thread.
        QTRY_VERIFY_WITH_TIMEOUT(!window.canvas()->imageSize().isEmpty(), 5000);
        QCOMPARE(window.canvas()->imagePath(), m_project.images[0]);
        QCOMPARE(window.canvas()->sourceImage().pixelColor(3, 3).rgb(), colourOf(0).rgb());
        // D on the canvas steps to the next image; A back.
        window.canvas()->setFocus();
        QTest::keyClick(window.canvas(), Qt::Key_D);
        QTRY_COMPARE_WITH_TIMEOUT(window.canvas()->imagePath(), m_project.images[1], 5000);
        QTest::keyClick(window.canvas(), Qt::Key_D);
        QTRY_COMPARE_WITH_TIMEOUT(window.canvas()->imagePath(), m_project.images[2], 5000);
        QTest::keyClick(window.canvas(), Qt::Key_A);
        QTRY_COMPARE_WITH_TIMEOUT(window.canvas()->imagePath(), m_project.images[1], 5000);
        // Clicking a row in the browser shows it.
        DatasetPanel* panel = window.controller()->datasetPanel();
        const QRect r = panel->view()->visualRect(model->index(4));
        QVERIFY(r.isValid());
        QTest::mouseClick(panel->view()->viewport(), Qt::LeftButton, {}, r.center());
        QTRY_COMPARE_WITH_TIMEOUT(window.canvas()->imagePath(), m_project.images[4], 5000);
        QCOMPARE(window.canvas()->sourceImage().pixelColor(3, 3).rgb(), colourOf(4).rgb());
        QCOMPARE(window.controller()->currentAsset(), 5);
        // Thumbnails arrive from the backend.
        QTRY_VERIFY_WITH_TIMEOUT(model->data(model->index(4), Qt::DecorationRole)
                                         .value<QPixmap>()
                                         .toImage()
                                         .pixelColor(5, 5)
                                         .rgb() == colourOf(4).rgb(),
                                 5000);
        // Kept for people to look at (offscreen rendering of the whole window).
        QVERIFY(window.grab().save(
            QDir(loupe::test::artifactDir()).filePath(QStringLiteral("mainwindow_offscreen.png"))));
    }

    void undoRedoFollowHistory()
    {
        MainWindow window(opener());
        QAction* undo = nullptr;
        QAction* redo = nullptr;
        for (QAction* a : window.findChildren<QAction*>()) {
            if (a->shortcut() == QKeySequence(QKeySequence::Undo)) undo = a;
            if (a->shortcut() == QKeySequence(QKeySequence::Redo)) redo = a;
        }
        QVERIFY(undo && redo);
        QVERIFY(!undo->isEnabled());
        QVERIFY(window.openProject(m_project.path));
        window.controller()->importPaths({m_dir.path()});
        QVERIFY(undo->isEnabled());
        QCOMPARE(undo->text(), QStringLiteral("&Undo Import"));
        undo->trigger();
        QVERIFY(!undo->isEnabled());
        QVERIFY(redo->isEnabled());
        redo->trigger();
        QVERIFY(undo->isEnabled());
    }

    void failedOpenKeepsCurrentProject()
    {
        MainWindow window(opener());
        QVERIFY(window.openProject(m_project.path));
        const QString bad = m_dir.filePath(QStringLiteral("corrupt.loupe"));
        QVERIFY(!window.openProject(bad));
        QVERIFY(window.lastError().contains(bad));
        QCOMPARE(window.controller()->projectPath(), m_project.path);
        QCOMPARE(window.windowTitle(), QStringLiteral("shapes — Loupe"));
        QString error;
        QVERIFY(!window.controller()->saveAs(m_dir.filePath(QStringLiteral("readonly.loupe")), &error));
        QVERIFY(error.contains(QLatin1String("read-only")));
    }

    void dockLayoutIsRemembered()
    {
        {
            MainWindow window(opener());
            window.show();
            QCOMPARE(window.datasetDock()->objectName(), QStringLiteral("DatasetDock"));
            QVERIFY(window.jobsDock()->isVisibleTo(&window));
            window.jobsDock()->hide();
            window.removeDockWidget(window.infoDock());
            window.addDockWidget(Qt::LeftDockWidgetArea, window.infoDock());
            window.infoDock()->show();
            window.close(); // saves the layout
        }
        MainWindow again(opener());
        again.show();
        QVERIFY(!again.jobsDock()->isVisibleTo(&again));
        QCOMPARE(again.dockWidgetArea(again.infoDock()), Qt::LeftDockWidgetArea);
        QSettings().remove(QStringLiteral("mainwindow"));
    }

    void recentProjects()
    {
        RecentProjects recent;
        recent.clear();
        for (int i = 0; i < RecentProjects::kMax + 3; ++i)
            recent.add(m_dir.filePath(QStringLiteral("p%1.loupe").arg(i)));
        recent.add(m_dir.filePath(QStringLiteral("p5.loupe")));
        const QStringList list = recent.paths();
        QCOMPARE(list.size(), RecentProjects::kMax);
        QCOMPARE(list.first(), m_dir.filePath(QStringLiteral("p5.loupe")));
        QCOMPARE(list.count(m_dir.filePath(QStringLiteral("p5.loupe"))), 1);
        MainWindow window(opener());
        QVERIFY(window.openProject(m_project.path));
        QCOMPARE(window.recentProjects()->paths().first(), m_project.path);
    }

    void aboutListsVersionBackendsAndDevices()
    {
        const QString html = AboutDialog::aboutHtml();
        QVERIFY(html.contains(loupe::core::versionString()));
        for (const QString& b : loupe::core::builtBackends()) {
            QVERIFY(html.contains(b.toHtmlEscaped()));
            QVERIFY2(!b.contains(QLatin1String("not implemented")), qPrintable(b)); // both GPU backends exist
        }
        const QString cpu = AboutDialog::cpuDescription();
        QVERIFY(cpu.startsWith(QLatin1String("CPU: ")));
        QVERIFY(cpu.endsWith(QStringLiteral("%1 threads").arg(QThread::idealThreadCount())));
        QVERIFY(html.contains(cpu.toHtmlEscaped()));
    }

    void themeOverride()
    {
        qputenv("LOUPE_THEME", "dark");
        QCOMPARE(configuredTheme(), Theme::Dark);
        applyTheme(*qApp);
        QVERIFY(isDarkTheme());
        QVERIFY(qApp->palette().color(QPalette::Window).lightness() < 80);
        qputenv("LOUPE_THEME", "light");
        applyTheme(*qApp);
        QVERIFY(!isDarkTheme());
        QVERIFY(qApp->palette().color(QPalette::Window).lightness() > 180);
        qunsetenv("LOUPE_THEME");
        saveThemeSetting(Theme::Dark);
        QCOMPARE(configuredTheme(), Theme::Dark);
        saveThemeSetting(Theme::System);
    }

    void menusHaveStandardShortcuts()
    {
        MainWindow window(opener());
        QSet<QString> shortcuts;
        for (QAction* a : window.findChildren<QAction*>())
            if (!a->shortcut().isEmpty()) shortcuts.insert(a->shortcut().toString());
        for (auto key : {QKeySequence::New, QKeySequence::Open, QKeySequence::Undo})
            QVERIFY2(shortcuts.contains(QKeySequence(key).toString()),
                     qPrintable(QKeySequence(key).toString()));
        // Where the platform defines these, its binding; else the common one.
        const QList<QPair<QKeySequence::StandardKey, QString>> expected{
            {QKeySequence::SaveAs, "Ctrl+Shift+S"},
            {QKeySequence::Quit, "Ctrl+Q"},
            {QKeySequence::Redo, "Ctrl+Shift+Z"},
            {QKeySequence::ZoomIn, "Ctrl++"},
            {QKeySequence::ZoomOut, "Ctrl+-"}};
        for (const auto& [key, fallback] : expected) {
            const QString want = QKeySequence(key).isEmpty() ? fallback : QKeySequence(key).toString();
            QVERIFY2(shortcuts.contains(want), qPrintable(want));
        }
        QVERIFY(shortcuts.contains(QStringLiteral("Ctrl+0")));
        QVERIFY(shortcuts.contains(QStringLiteral("Ctrl+1")));
        QStringList menus;
        for (QAction* a : window.menuBar()->actions())
            menus << a->text();
        QCOMPARE(menus, QStringList({"&File", "&Edit", "&View", "&Annotate", "&Help"}));
    }

    // Two window-wide actions on one key make Qt fire neither ("ambiguous shortcut"), silently.
    void noTwoWindowActionsShareAShortcut()
    {
        MainWindow window(opener());
        QHash<QString, QString> owner;
        for (QAction* a : window.findChildren<QAction*>()) {
            if (a->shortcutContext() != Qt::WindowShortcut && a->shortcutContext() != Qt::ApplicationShortcut)
                continue;
            for (const QKeySequence& k : a->shortcuts()) {
                const QString key = k.toString();
                QVERIFY2(!owner.contains(key) || owner.value(key) == a->text(),
                         qPrintable(key + ": " + owner.value(key) + " and " + a->text()));
                owner.insert(key, a->text());
            }
        }
        QVERIFY(owner.size() > 10);
    }

    void explanationQualityOpensFromTheViewMenu()
    {
        MainWindow window(opener());
        QAction* quality = window.findChild<QAction*>(QStringLiteral("showExplanationQuality"));
        QVERIFY(quality);
        QCOMPARE(quality->shortcut(), QKeySequence(QStringLiteral("Ctrl+Shift+E")));
        quality->trigger();
        QTRY_VERIFY(window.findChild<QualityDialog*>());
        QVERIFY(window.findChild<QualityDialog*>()->isVisible());
        window.findChild<QualityDialog*>()->close();
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
