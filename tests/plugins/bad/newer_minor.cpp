// SPDX-License-Identifier: MIT
// A plugin that needs plugin API 1.9, newer than this Loupe's 1.0.
#include "plugins/api/explanation_method.h"

#include <QObject>

class NewerMinor : public QObject
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID LOUPE_PLUGIN_IID FILE "newer_minor.json")
};

#include "newer_minor.moc"
