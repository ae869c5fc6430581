// SPDX-License-Identifier: MIT
// A plugin built for plugin API 2: its IID and metadata say so.
#include "plugins/api/explanation_method.h"

#include <QObject>

class WrongMajor : public QObject
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID "org.loupe.Plugin/2" FILE "wrong_major.json")
};

#include "wrong_major.moc"
