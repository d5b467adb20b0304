// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Kallsyms;

namespace Dumpkit.Kernel.Fs;

/// <summary>One open file descriptor: the <c>struct file</c>, its dentry and inode (0 when missing), crash's type and path.</summary>
public sealed record OpenFile(int Fd, ulong File, ulong Dentry, ulong Inode, string Type, string Path);

/// <summary>A task's root and working directories and its open files (<c>files-&gt;fdt</c>); null parts when the task has none.</summary>
public sealed record TaskFiles(string? Root, string? Cwd, List<OpenFile>? Files);

/// <summary>
/// What crash's <c>files</c> shows of a task: <c>fs-&gt;root</c> and <c>fs-&gt;pwd</c> as paths, and every
/// descriptor set in <c>fdt-&gt;open_fds</c> below <c>max_fds</c> whose <c>fd[]</c> slot holds a file.
/// Types as crash names them from <c>i_mode</c> (REG, DIR, CHR, BLK, LNK, FIFO, SOCK, UNKN; PIPE for
/// a pipe's inode operations, with no path).
/// </summary>
public sealed class OpenFiles
{
    /// <summary>Bigger than the kernel's <c>fs.nr_open</c> limit (2^20).</summary>
    public const int MaxFds = 1 << 20;
    private readonly KernelMemory _memory;
    private readonly PathNames _paths;
    private readonly ulong _taskFs, _taskFiles, _fsRoot, _fsPwd, _pathDentry, _pathMnt, _filesFdt;
    private readonly ulong _fdtMaxFds, _fdtFd, _fdtOpenFds, _fPath, _iMode, _iOp;
    private readonly ulong? _pipeOps;

    public OpenFiles(KernelMemory memory, KallsymsTable symbols, BtfTypes types, PathNames paths)
    {
        _memory = memory;
        _paths = paths;
        ulong Offset(string path) => types.MemberPath(path)?.ByteOffset ?? throw new KernelDataException($"BTF lacks {path}");
        _taskFs = Offset("task_struct.fs");
        _taskFiles = Offset("task_struct.files");
        _fsRoot = Offset("fs_struct.root");
        _fsPwd = Offset("fs_struct.pwd");
        _pathDentry = Offset("path.dentry");
        _pathMnt = Offset("path.mnt");
        _filesFdt = Offset("files_struct.fdt");
        _fdtMaxFds = Offset("fdtable.max_fds");
        _fdtFd = Offset("fdtable.fd");
        _fdtOpenFds = Offset("fdtable.open_fds");
        _fPath = Offset("file.f_path");
        _iMode = Offset("inode.i_mode");
        _iOp = Offset("inode.i_op");
        _pipeOps = symbols.AddressOf("pipe_inode_operations");
    }

    /// <summary>The task's <c>fdtable.max_fds</c> (0 without a file table).</summary>
    public uint DescriptorLimit(ulong task)
    {
        ulong files = ReadU64(task + _taskFiles, "task_struct");
        ulong fdt = files == 0 ? 0 : ReadU64(files + _filesFdt, "files_struct");
        return fdt != 0 && _memory.TryReadU32(fdt + _fdtMaxFds, out uint m) ? m : 0;
    }

    public TaskFiles Read(ulong task)
    {
        string? root = null, cwd = null;
        ulong fs = ReadU64(task + _taskFs, "task_struct");
        if (fs != 0)
        {
            root = PathOf(fs + _fsRoot);
            cwd = PathOf(fs + _fsPwd);
        }
        ulong files = ReadU64(task + _taskFiles, "task_struct");
        ulong fdt = files == 0 ? 0 : ReadU64(files + _filesFdt, "files_struct");
        if (fdt == 0)
            return new TaskFiles(root, cwd, null);
        uint maxFds = _memory.TryReadU32(fdt + _fdtMaxFds, out uint m) ? m : throw new KernelAddressException(fdt, "fdtable");
        if (maxFds == 0)
            return new TaskFiles(root, cwd, null);
        if (maxFds > MaxFds)
            throw new KernelDataException($"fdtable {fdt:x} claims {maxFds} descriptors");
        ulong openFds = ReadU64(fdt + _fdtOpenFds, "fdtable");
        ulong fdArray = ReadU64(fdt + _fdtFd, "fdtable");
        var list = new List<OpenFile>();
        if (openFds == 0 || fdArray == 0)
            return new TaskFiles(root, cwd, list);
        for (int word = 0; word * 64 < maxFds; word++)
        {
            ulong bits = ReadU64(openFds + (ulong)word * 8, "fdtable open_fds");
            for (int bit = 0; bits != 0; bit++, bits >>= 1)
            {
                int fd = word * 64 + bit;
                if ((bits & 1) == 0 || fd >= maxFds)
                    continue;
                ulong file = ReadU64(fdArray + (ulong)fd * 8, "fd file");
                if (file != 0)
                    list.Add(Describe(fd, file));
            }
        }
        return new TaskFiles(root, cwd, list);
    }

    private OpenFile Describe(int fd, ulong file)
    {
        ulong dentry = ReadU64(file + _fPath + _pathDentry, "file");
        if (dentry == 0)
            return new OpenFile(fd, file, 0, 0, "?", "?");
        ulong inode = _paths.Inode(dentry);
        if (inode == 0)
            return new OpenFile(fd, file, dentry, 0, "?", "?");
        ulong mnt = RootMount(ReadU64(file + _fPath + _pathMnt, "file"));
        string path = _paths.Path(dentry, mnt);
        if (path.StartsWith("/pts/", StringComparison.Ordinal) && _paths.DeviceName(mnt) == "devpts")
            path = "/dev" + path;
        var (type, shown) = TypeOf(inode, path);
        return new OpenFile(fd, file, dentry, inode, type, shown);
    }

    /// <summary>crash's type of an inode (four columns, from <c>i_mode</c>) and the path it shows with it (none for a pipe).</summary>
    public (string Type, string Path) TypeOf(ulong inode, string path)
    {
        Span<byte> mode = stackalloc byte[2];
        if (!_memory.TryReadVirtual(inode + _iMode, mode))
            throw new KernelAddressException(inode, "inode");
        string type = TypeOf((ushort)(mode[0] | mode[1] << 8), inode, ref path);
        return (type, path);
    }

    /// <summary>crash's type name for an inode mode (four columns: "REG ", "FIFO").</summary>
    private string TypeOf(ushort mode, ulong inode, ref string path)
    {
        string type = (mode & 0xf000) switch
        {
            0x8000 => "REG ",
            0xa000 => "LNK ",
            0x4000 => "DIR ",
            0x2000 => "CHR ",
            0x6000 => "BLK ",
            0x1000 => "FIFO",
            0xc000 => "SOCK",
            _ => "UNKN",
        };
        if (type == "FIFO" && _pipeOps is ulong ops && _memory.TryReadU64(inode + _iOp, out ulong op) && op == ops)
        {
            type = "PIPE";
            path = "";
        }
        if (type == "SOCK" && path == "/")
            path = "";
        return type;
    }

    /// <summary>
    /// A file on a devtmpfs (or udev) mount that is itself mounted on one of the same name is named
    /// through the outer mount, as crash does.
    /// </summary>
    private ulong RootMount(ulong mnt)
    {
        var name = _paths.DeviceName(mnt);
        if (name is not ("udev" or "devtmpfs"))
            return mnt;
        ulong parent = _paths.ParentMount(mnt);
        return parent != 0 && _paths.DeviceName(parent) == name ? parent : mnt;
    }

    private string? PathOf(ulong path)
    {
        ulong dentry = ReadU64(path + _pathDentry, "fs_struct");
        return dentry == 0 ? "" : _paths.Path(dentry, ReadU64(path + _pathMnt, "fs_struct"));
    }

    private ulong ReadU64(ulong address, string what) =>
        _memory.TryReadU64(address, out ulong v) ? v : throw new KernelAddressException(address, what);
}
