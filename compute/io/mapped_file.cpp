// SPDX-License-Identifier: MIT
#include "compute/io/mapped_file.h"

#include "compute/error.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace loupe::compute {

namespace {
const char* fileKind(mode_t mode)
{
    if (S_ISDIR(mode)) return "a folder";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
    return "not a plain file";
}
} // namespace

std::shared_ptr<const MappedFile> MappedFile::open(const std::filesystem::path& path)
{
    // Refused before opening: open() on a FIFO waits for a writer forever, and a device never ends.
    struct stat st
    {
    };
    if (::stat(path.c_str(), &st) != 0)
        throw Error(path.string(), std::string("cannot open: ") + std::strerror(errno));
    if (!S_ISREG(st.st_mode))
        throw Error(path.string(), std::string("not a regular file (") + fileKind(st.st_mode) + ")");
    // O_NONBLOCK: should the path be swapped for a FIFO after the check, open() still returns at once
    // and the fstat below refuses it.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) throw Error(path.string(), std::string("cannot open: ") + std::strerror(errno));
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw Error(path.string(), std::string("not a regular file (") + fileKind(st.st_mode) + ")");
    }
    std::shared_ptr<MappedFile> f(new MappedFile);
    f->path_ = path;
    f->size_ = size_t(st.st_size);
    if (f->size_ > 0) {
        void* p = ::mmap(nullptr, f->size_, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            const int e = errno;
            ::close(fd);
            throw Error(path.string(), std::string("cannot map: ") + std::strerror(e));
        }
        f->data_ = static_cast<const uint8_t*>(p);
    }
    ::close(fd); // the mapping keeps the file alive
    return f;
}

MappedFile::~MappedFile()
{
    if (data_) ::munmap(const_cast<uint8_t*>(data_), size_);
}

} // namespace loupe::compute
