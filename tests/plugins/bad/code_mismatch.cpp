// SPDX-License-Identifier: MIT
// Metadata that says 1.0 over code compiled against another API: the symbol tells the truth.
#include "plugins/api/plugin_api.h"

#include <QObject>

extern "C" __attribute__((visibility("default"))) const char* loupe_plugin_api_version()
{
    return "2.0";
}

class CodeMismatch : public QObject
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID LOUPE_PLUGIN_IID FILE "good.json")
};

#include "code_mismatch.moc"
