using static FdHandoff.Interop.Libc;

namespace FdHandoff.Interop;

/// <summary>The type bits of a file's mode (inode(7): S_IFMT), under .NET names; other values are special files.</summary>
internal enum FileType
{
    /// <summary>S_IFSOCK.</summary>
    Socket = S_IFSOCK,

    /// <summary>S_IFLNK.</summary>
    Symlink = S_IFLNK,

    /// <summary>S_IFREG.</summary>
    Regular = S_IFREG,

    /// <summary>S_IFDIR.</summary>
    Directory = S_IFDIR,
}
