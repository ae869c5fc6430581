// SPDX-License-Identifier: MIT
// The smallest useful Loupe plugin: a model adapter for checkpoints whose config.json says
// "architectures": ["LoupeExampleCenterBox"]. Its detector proposes the middle half of the image with
// the project's first label, which is enough to see a plugin detector in pre-labelling.
#include "plugins/api/model_adapter.h"

#include <QObject>

namespace {

class CenterBoxDetector : public loupe::plugin::Detector
{
public:
    explicit CenterBoxDetector(QString label) : m_label(std::move(label)) {}
    QString name() const override { return QStringLiteral("Center box (example plugin)"); }
    QString parameters() const override { return QStringLiteral("{}"); }
    bool detect(const QImage& image, std::vector<loupe::plugin::Detection>* out, QString* error) override
    {
        if (image.isNull()) {
            *error = QStringLiteral("empty image");
            return false;
        }
        const QRectF box(image.width() / 4.0, image.height() / 4.0, image.width() / 2.0,
                         image.height() / 2.0);
        out->push_back({m_label, 1.0, box, QImage()});
        return true;
    }

private:
    QString m_label;
};

} // namespace

class CenterBoxPlugin : public QObject, public loupe::plugin::ModelAdapterInterface
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID LOUPE_PLUGIN_IID FILE "center_box.json")
    Q_INTERFACES(loupe::plugin::ModelAdapterInterface)

public:
    QStringList architectures() const override { return {QStringLiteral("LoupeExampleCenterBox")}; }
    std::unique_ptr<loupe::plugin::Detector> openDetector(const loupe::plugin::DetectorRequest& request,
                                                          QString* error) override
    {
        if (request.labels.isEmpty()) {
            *error = request.modelFolder + QStringLiteral(": the project has no label to propose");
            return nullptr;
        }
        if (!request.settings.isEmpty()) {
            *error = request.modelFolder +
                     QStringLiteral(": unknown setting '%1'").arg(request.settings.firstKey());
            return nullptr;
        }
        return std::make_unique<CenterBoxDetector>(request.labels.first());
    }
};

#include "center_box.moc"
