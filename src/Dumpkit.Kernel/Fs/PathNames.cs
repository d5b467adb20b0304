// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text;
using Dumpkit.Kernel.Btf;

namespace Dumpkit.Kernel.Fs;

/// <summary>
/// Path names of dentries as crash builds them: the <c>d_name</c> of each dentry up its <c>d_parent</c>
/// chain to the root of its file system, then on through the mount it is mounted on
/// (<c>struct mount</c>: <c>mnt_mountpoint</c>, <c>mnt_parent</c>) until a mount that is its own parent.
/// A dentry without a name (sockets, anonymous inodes) ends the walk where it is. Walks are bounded.
/// </summary>
public sealed class PathNames
{
    private const int MaxSteps = 1024;
    private const int MaxName = 255;
    private readonly KernelMemory _memory;
    private readonly ulong _dName, _qstrLen, _qstrName, _dParent, _dInode;
    private readonly ulong _mountMnt, _mntMountpoint, _mntParent, _mntDevname;

    public PathNames(KernelMemory memory, BtfTypes types)
    {
        _memory = memory;
        ulong Offset(string path) => types.MemberPath(path)?.ByteOffset ?? throw new KernelDataException($"BTF lacks {path}");
        _dName = Offset("dentry.d_name");
        _qstrLen = Offset("qstr.len");
        _qstrName = Offset("qstr.name");
        _dParent = Offset("dentry.d_parent");
        _dInode = Offset("dentry.d_inode");
        _mountMnt = Offset("mount.mnt");
        _mntMountpoint = Offset("mount.mnt_mountpoint");
        _mntParent = Offset("mount.mnt_parent");
        _mntDevname = Offset("mount.mnt_devname");
    }

    /// <summary>The inode of a dentry (0 for a negative dentry).</summary>
    public ulong Inode(ulong dentry) => ReadU64(dentry + _dInode, "dentry");

    /// <summary>The device name a vfsmount was mounted from (<c>mount.mnt_devname</c>), or "" when unreadable.</summary>
    public string DeviceName(ulong vfsmount)
    {
        if (vfsmount == 0 || !_memory.TryReadU64(vfsmount - _mountMnt + _mntDevname, out ulong name) || name == 0)
            return "";
        return ReadString(name, MaxName) ?? "";
    }

    /// <summary>The parent of a mount, as a vfsmount address (0 when unreadable).</summary>
    public ulong ParentMount(ulong vfsmount) =>
        _memory.TryReadU64(vfsmount - _mountMnt + _mntParent, out ulong parent) ? parent + _mountMnt : 0;

    /// <summary>The full path of a dentry seen through a vfsmount (0: only the dentry chain).</summary>
    public string Path(ulong dentry, ulong vfsmount)
    {
        string path = "";
        ulong parent = dentry, mnt = vfsmount;
        for (int step = 0; step < MaxSteps; step++)
        {
            ulong current = parent;
            uint len = _memory.TryReadU32(current + _dName + _qstrLen, out uint l) ? l : throw Unreadable(current, "dentry");
            if (len == 0)
                break;
            ulong namePtr = ReadU64(current + _dName + _qstrName, "dentry");
            if (namePtr == 0 || len > MaxName || ReadString(namePtr, (int)len + 1) is not { } name || name.Length != len)
                break;
            if (current == dentry)
                path = name;
            else if ((len > 1 || name != "/") && !path.StartsWith('/'))
                path = name + "/" + path;
            else
                path = name + path;
            parent = ReadU64(current + _dParent, "dentry");
            if (parent == current && mnt != 0)
            {
                if (path.StartsWith("//", StringComparison.Ordinal))
                    path = path[1..];
                ulong mount = mnt - _mountMnt;
                parent = ReadU64(mount + _mntMountpoint, "mount");
                ulong mountParent = ReadU64(mount + _mntParent, "mount");
                if (mountParent == mount)
                    break;
                mnt = mountParent + _mountMnt;
                continue;
            }
            if (parent == current || parent == 0)
                break;
        }
        if (path != "/" && path.EndsWith('/'))
            path = path[..^1];
        return path;
    }

    private string? ReadString(ulong address, int max)
    {
        var buf = new byte[max];
        int got = 0;
        while (got < max)
        {
            int n = Math.Min(max - got, 4096 - (int)((address + (ulong)got) & 0xfff));
            if (!_memory.TryReadVirtual(address + (ulong)got, buf.AsSpan(got, n)))
                return got == 0 ? null : Encoding.Latin1.GetString(buf, 0, got);
            int nul = buf.AsSpan(got, n).IndexOf((byte)0);
            if (nul >= 0)
                return Encoding.Latin1.GetString(buf, 0, got + nul);
            got += n;
        }
        return Encoding.Latin1.GetString(buf, 0, got);
    }

    private ulong ReadU64(ulong address, string what) =>
        _memory.TryReadU64(address, out ulong v) ? v : throw Unreadable(address, what);

    private static KernelAddressException Unreadable(ulong address, string what) => new(address, what);
}
