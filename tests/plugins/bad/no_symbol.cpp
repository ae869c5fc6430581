// SPDX-License-Identifier: MIT
// Good metadata, but built without loupe_add_plugin(): the loupe_plugin_api_version symbol is missing.
#include "plugins/api/explanation_method.h"

#include <QObject>

class NoSymbol : public QObject
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID LOUPE_PLUGIN_IID FILE "good.json")
};

#include "no_symbol.moc"
