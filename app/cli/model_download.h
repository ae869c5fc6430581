// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>

namespace loupe::cli {

// loupe model download REPO_ID [--revision R] [--endpoint URL] [--to DIR]; args start after "download".
int modelDownload(const QStringList& args);

} // namespace loupe::cli
