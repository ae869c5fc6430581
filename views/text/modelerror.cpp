// SPDX-License-Identifier: MIT
#include "views/text/modelerror.h"

#include <QDir>

namespace loupe::views {

QString modelError(const QString& folder, const std::exception& e)
{
    const QString what = QString::fromStdString(e.what());
    const QString name = QDir::toNativeSeparators(folder);
    return what.contains(folder) || what.contains(name) ? what : name + QStringLiteral(": ") + what;
}

} // namespace loupe::views
