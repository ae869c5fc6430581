// SPDX-License-Identifier: MIT
#pragma once

// The Loupe plugin API. A plugin is a Qt plugin (a shared library with Q_PLUGIN_METADATA) whose
// object implements one or more of the interfaces in this folder. Nothing but Qt and standard types
// cross the boundary: datasets travel as JSON (dataset_json.h), models through an abstract session, so a
// plugin never breaks because a Loupe class grew a field.
//
// Compatibility: a plugin built for API MAJOR.MINOR loads into a Loupe whose API has the same MAJOR
// and a MINOR at least as new. The major version is in every IID, so Qt itself never casts a plugin to
// an interface of another major version.

#define LOUPE_PLUGIN_API_VERSION_MAJOR 1
#define LOUPE_PLUGIN_API_VERSION_MINOR 0
#define LOUPE_PLUGIN_API_VERSION_STRING "1.0"

// The IID every Loupe plugin declares in Q_PLUGIN_METADATA.
#define LOUPE_PLUGIN_IID "org.loupe.Plugin/1"

// Its metadata file (the FILE of Q_PLUGIN_METADATA) is read before any plugin code runs:
//   { "name": "kitti", "version": "1.0.0", "apiVersion": "1.0",
//     "description": "...", "provides": ["annotation-format", "dataset-importer"] }
// "name" and "apiVersion" are required.

// The exported C symbol a loaded plugin must have: its API version as "MAJOR.MINOR". loupe_add_plugin()
// (LoupePluginConfig.cmake) adds it; a plugin built otherwise writes LOUPE_PLUGIN_DECLARE_API_VERSION()
// in one of its source files.
#define LOUPE_PLUGIN_API_VERSION_SYMBOL "loupe_plugin_api_version"
#define LOUPE_PLUGIN_DECLARE_API_VERSION()                                                                   \
    extern "C" __attribute__((visibility("default"))) const char* loupe_plugin_api_version()                 \
    {                                                                                                        \
        return LOUPE_PLUGIN_API_VERSION_STRING;                                                              \
    }
