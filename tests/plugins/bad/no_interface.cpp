// SPDX-License-Identifier: MIT
// A well-formed plugin whose object implements none of Loupe's interfaces.
#include "plugins/api/plugin_api.h"

#include <QObject>

class NoInterface : public QObject
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID LOUPE_PLUGIN_IID FILE "good.json")
};

#include "no_interface.moc"
