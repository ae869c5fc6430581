// SPDX-License-Identifier: MIT
#include "app/cli/threads.h"

#include "compute/threadpool.h"

#include <QTextStream>

namespace loupe::cli {

bool applyThreads(const QString& value)
{
    if (value.isEmpty()) return true;
    bool ok = false;
    const int n = value.toInt(&ok);
    if (!ok || n < 1 || n > kMaxThreads) {
        QTextStream(stderr) << "loupe: --threads takes a whole number from 1 to " << kMaxThreads << ", got '"
                            << value << "'\n";
        return false;
    }
    compute::setThreadCount(n);
    return true;
}

} // namespace loupe::cli
