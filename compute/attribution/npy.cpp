// SPDX-License-Identifier: MIT
#include "compute/attribution/npy.h"

#include "compute/error.h"

#include <cstring>
#include <fstream>
#include <sstream>

namespace loupe::compute {

void writeNpyF32(const std::string& path, const std::vector<int64_t>& shape, const std::vector<float>& data)
{
    int64_t n = 1;
    for (int64_t d : shape)
        n *= d;
    if (n != int64_t(data.size())) throw Error(path, "npy: shape does not match the data size");
    std::string dims;
    for (size_t i = 0; i < shape.size(); ++i)
        dims += (i ? ", " : "") + std::to_string(shape[i]);
    if (shape.size() == 1) dims += ","; // Python's one-element tuple
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
    // Magic (6) + version (2) + length (2) + header + '\n' padded to a multiple of 64.
    const size_t unpadded = 10 + header.size() + 1;
    header.append((64 - unpadded % 64) % 64, ' ');
    header += '\n';
    std::ofstream f(path, std::ios::binary);
    if (!f) throw Error(path, "cannot open for writing");
    const unsigned char magic[8] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    f.write(reinterpret_cast<const char*>(magic), 8);
    const uint16_t len = uint16_t(header.size());
    const unsigned char lenBytes[2] = {uint8_t(len & 0xff), uint8_t(len >> 8)};
    f.write(reinterpret_cast<const char*>(lenBytes), 2);
    f.write(header.data(), std::streamsize(header.size()));
    f.write(reinterpret_cast<const char*>(data.data()), std::streamsize(data.size() * sizeof(float)));
    if (!f) throw Error(path, "write failed");
}

NpyArray readNpyF32(const std::string& path)
{
    std::ifstream f(path, std::ios::binary);
    if (!f) throw Error(path, "cannot open");
    unsigned char pre[10];
    if (!f.read(reinterpret_cast<char*>(pre), 10) || std::memcmp(pre + 1, "NUMPY", 5) != 0 || pre[0] != 0x93)
        throw Error(path, "not a .npy file");
    const size_t len = size_t(pre[8]) | (size_t(pre[9]) << 8);
    std::string header(len, '\0');
    if (!f.read(header.data(), std::streamsize(len))) throw Error(path, "truncated header");
    if (header.find("'<f4'") == std::string::npos ||
        header.find("'fortran_order': False") == std::string::npos)
        throw Error(path, "only little-endian float32 C-order arrays are supported");
    const size_t open = header.find('(', header.find("'shape'")), close = header.find(')', open);
    if (open == std::string::npos || close == std::string::npos) throw Error(path, "no shape in header");
    NpyArray a;
    std::stringstream dims(header.substr(open + 1, close - open - 1));
    std::string tok;
    int64_t n = 1;
    while (std::getline(dims, tok, ','))
        if (tok.find_first_not_of(' ') != std::string::npos) {
            a.shape.push_back(std::stoll(tok));
            n *= a.shape.back();
        }
    a.data.resize(size_t(n));
    if (!f.read(reinterpret_cast<char*>(a.data.data()), std::streamsize(n * sizeof(float))))
        throw Error(path, "truncated data");
    return a;
}

} // namespace loupe::compute
