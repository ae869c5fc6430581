// SPDX-License-Identifier: MIT
// A plugin that cannot load: it reads a variable no library defines (data relocations are resolved
// when the library is opened, even with lazy binding), as a plugin built against a missing library.
#include "plugins/api/plugin_api.h"

#include <QObject>

extern "C" int loupe_test_variable_nobody_defines;

class Unresolved : public QObject
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID LOUPE_PLUGIN_IID FILE "unresolved.json")

public:
    int value() const { return loupe_test_variable_nobody_defines; }
};

// Keeps the reference in the library whatever the optimiser does with the class.
extern "C" __attribute__((visibility("default"))) int loupe_test_unresolved_value()
{
    return loupe_test_variable_nobody_defines;
}

#include "unresolved.moc"
