// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/propagation/propagator.h"

#include <QDialog>

class QComboBox;
class QSpinBox;

namespace loupe::views {

// Annotate > Propagate to Next Frames…: how many frames and which tracker follows the boxes. Masks and
// polygons always follow with SAM; without a SAM model only the OpenCV tracker is offered.
class PropagateDialog : public QDialog
{
    Q_OBJECT
public:
    // `what` says which shapes will be carried ("the 2 selected shapes"); `samFolder` is the project's
    // SAM model (empty: none).
    PropagateDialog(const QString& what, const QString& samFolder, QWidget* parent = nullptr);

    int frames() const;
    annotation::BoxTrackerKind tracker() const;
    QSpinBox* framesField() const { return m_frames; }
    QComboBox* trackerField() const { return m_tracker; }

private:
    QSpinBox* m_frames = nullptr;
    QComboBox* m_tracker = nullptr;
};

} // namespace loupe::views
