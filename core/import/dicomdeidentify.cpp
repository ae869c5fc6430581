// SPDX-License-Identifier: MIT
#include "core/import/dicomdeidentify.h"

#include "core/import/dicomreader.h"

#include <QFile>
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <vector>

namespace loupe::core {

namespace {

// Type 2 in most IODs: emptied rather than removed, so the copy stays a valid instance.
const DcmTagKey kEmptied[] = {DCM_PatientName, DCM_PatientID,       DCM_PatientBirthDate,
                              DCM_PatientSex,  DCM_AccessionNumber, DCM_ReferringPhysicianName,
                              DCM_StudyID,     DCM_StudyDate,       DCM_StudyTime};

const DcmTagKey kRemoved[] = {
    DCM_PatientAge,
    DCM_PatientSize,
    DCM_PatientWeight,
    DCM_PatientAddress,
    DCM_PatientTelephoneNumbers,
    DCM_PatientMotherBirthName,
    DCM_OtherPatientIDsSequence,
    DCM_RETIRED_OtherPatientIDs,
    DCM_OtherPatientNames,
    DCM_PatientBirthTime,
    DCM_PatientComments,
    DCM_InstitutionName,
    DCM_InstitutionAddress,
    DCM_InstitutionalDepartmentName,
    DCM_PerformingPhysicianName,
    DCM_NameOfPhysiciansReadingStudy,
    DCM_OperatorsName,
    DCM_PhysiciansOfRecord,
    DCM_RequestingPhysician,
    DCM_StationName,
    DCM_DeviceSerialNumber,
    DCM_StudyDescription,
    DCM_SeriesDescription,
    DCM_AdmittingDiagnosesDescription,
    DCM_AdditionalPatientHistory,
    DCM_EthnicGroup,
    DCM_Occupation,
    DCM_RETIRED_MedicalRecordLocator,
    DCM_ReferencedPatientSequence,
    DCM_RequestAttributesSequence,
    DCM_ContentDate,
    DCM_ContentTime,
    DCM_AcquisitionDateTime,
    DCM_InstanceCreationDate,
    DCM_InstanceCreationTime,
};

} // namespace

QString writeDeidentifiedDicom(const QString& source, const QString& target)
{
    // Decoding first gives the reader's checks and messages (damaged, truncated, too large).
    QString error;
    if (!readDicomInfo(source, &error)) return error;
    DcmFileFormat file;
    OFCondition c = file.loadFile(OFFilename(QFile::encodeName(source).constData()));
    if (c.bad())
        return QStringLiteral("%1: damaged DICOM file (%2)").arg(source, QString::fromLatin1(c.text()));
    DcmDataset* ds = file.getDataset();
    for (const DcmTagKey& tag : kEmptied)
        if (ds->tagExists(tag)) ds->putAndInsertString(tag, "");
    for (const DcmTagKey& tag : kRemoved)
        ds->findAndDeleteElement(tag, OFTrue, OFTrue);
    // Private tags can hold anything, identifiers included.
    std::vector<DcmTagKey> privateTags;
    for (unsigned long i = 0; i < ds->card(); ++i)
        if (DcmElement* e = ds->getElement(i); e && e->getTag().isPrivate())
            privateTags.push_back(e->getTag());
    for (const DcmTagKey& tag : privateTags)
        delete ds->remove(tag);
    ds->putAndInsertString(DCM_PatientIdentityRemoved, "YES");
    ds->putAndInsertString(DCM_DeidentificationMethod, "Loupe: patient and study identifiers removed");
    // Written beside the target and renamed over it: no half-written copy is ever left behind.
    const QString partial = target + QStringLiteral(".part");
    c = file.saveFile(OFFilename(QFile::encodeName(partial).constData()), ds->getOriginalXfer());
    if (c.bad()) {
        QFile::remove(partial);
        return QStringLiteral("%1: cannot write (%2)").arg(target, QString::fromLatin1(c.text()));
    }
    QFile::remove(target);
    if (!QFile::rename(partial, target)) {
        QFile::remove(partial);
        return QStringLiteral("%1: cannot write (rename failed)").arg(target);
    }
    return {};
}

} // namespace loupe::core
