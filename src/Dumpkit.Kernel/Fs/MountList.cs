// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.Btf;

namespace Dumpkit.Kernel.Fs;

/// <summary>
/// The mounts of a task's mount namespace (<c>task-&gt;nsproxy-&gt;mnt_ns</c>) as crash lists them: from the namespace's
/// root mount along <c>mount.mnt_list</c> to <c>mnt_namespace.list</c> (up to 6.7), or in order of the
/// <c>mnt_namespace.mounts</c> red-black tree through <c>mount.mnt_node</c> (6.8 on). Each as its <c>struct vfsmount</c>
/// address (<c>mount.mnt</c>), with the super block (<c>vfsmount.mnt_sb</c>). Bounded at 2^16 mounts.
/// </summary>
public sealed class MountList
{
    private const int MaxMounts = 1 << 16;
    private readonly KernelMemory _memory;
    private readonly ulong _nsproxy, _mntNs, _nsRoot, _mountMnt, _mntSb;
    private readonly ulong? _nsList, _mountList, _nsMounts, _mountNode;

    public MountList(KernelMemory memory, BtfTypes types)
    {
        _memory = memory;
        ulong Offset(string path) => types.MemberPath(path)?.ByteOffset ?? throw new KernelDataException($"BTF lacks {path}");
        _nsproxy = Offset("task_struct.nsproxy");
        _mntNs = Offset("nsproxy.mnt_ns");
        _nsRoot = Offset("mnt_namespace.root");
        _mountMnt = Offset("mount.mnt");
        _mntSb = Offset("vfsmount.mnt_sb");
        _nsList = types.MemberPath("mnt_namespace.list")?.ByteOffset;
        _mountList = types.MemberPath("mount.mnt_list")?.ByteOffset;
        _nsMounts = types.MemberPath("mnt_namespace.mounts")?.ByteOffset;
        _mountNode = types.MemberPath("mount.mnt_node")?.ByteOffset;
        if ((_nsList is null || _mountList is null) && (_nsMounts is null || _mountNode is null))
            throw new KernelDataException("BTF has neither mnt_namespace.list nor mnt_namespace.mounts");
    }

    /// <summary>The super block of a vfsmount.</summary>
    public ulong SuperBlock(ulong vfsmount) => _memory.ReadU64(vfsmount + _mntSb, "vfsmount");

    /// <summary>The vfsmounts of <paramref name="task"/>'s mount namespace, in crash's order.</summary>
    public List<ulong> Of(ulong task)
    {
        ulong nsproxy = _memory.ReadU64(task + _nsproxy, "task nsproxy");
        ulong ns = _memory.ReadU64(nsproxy + _mntNs, "nsproxy mnt_ns");
        var result = new List<ulong>();
        if (_nsList is ulong nsList && _mountList is ulong mountList)
        {
            ulong root = _memory.ReadU64(ns + _nsRoot, "mnt_namespace root");
            ulong head = ns + nsList;
            for (ulong at = root + mountList; at != head; at = _memory.ReadU64(at, "mount mnt_list"))
            {
                if (at == 0 || result.Count >= MaxMounts)
                    throw new KernelDataException($"the mount list of mnt_namespace {ns:x} does not end");
                result.Add(at - mountList + _mountMnt);
            }
            return result;
        }
        // rb_root: the first member is rb_node; rb_node: __rb_parent_color, rb_right, rb_left
        ulong node = _memory.ReadU64(ns + _nsMounts!.Value, "mnt_namespace mounts");
        var stack = new Stack<ulong>();
        while (node != 0 || stack.Count > 0)
        {
            while (node != 0)
            {
                if (stack.Count + result.Count >= MaxMounts)
                    throw new KernelDataException($"the mount tree of mnt_namespace {ns:x} does not end");
                stack.Push(node);
                node = _memory.ReadU64(node + 16, "rb_node");
            }
            node = stack.Pop();
            result.Add(node - _mountNode!.Value + _mountMnt);
            node = _memory.ReadU64(node + 8, "rb_node");
        }
        return result;
    }
}
