// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Kallsyms;

namespace Dumpkit.Crash;

/// <summary>
/// Small typed reads for commands: globals by kallsyms name, member offsets and sizes from BTF, and
/// integers from memory; what is missing or unreadable fails the command with a one-line message.
/// </summary>
internal sealed class KernelReader(CrashSession session, string command)
{
    public KallsymsTable Symbols => session.Symbols;
    public BtfTypes Types => session.Types;

    public ulong Global(string name) =>
        Symbols.AddressOf(name) ?? throw new CommandException($"{command}: cannot find symbol: {name}");

    public ulong GlobalU64(string name) => ReadU64(Global(name));
    public uint GlobalU32(string name) => ReadU32(Global(name));

    /// <summary>The byte offset of <c>type.member</c> (anonymous members looked into).</summary>
    public ulong Offset(string type, string member) => Member(type, member).ByteOffset;

    public BtfMemberLocation Member(string type, string member) =>
        Types.MemberPath($"{type}.{member}")
        ?? throw new CommandException($"{command}: invalid structure member offset: {type}.{member}");

    /// <summary>An unsigned member of 1, 2, 4 or 8 bytes, read with its BTF size.</summary>
    public ulong ReadMember(ulong address, string type, string member)
    {
        var m = Member(type, member);
        ulong at = address + m.ByteOffset;
        return Types.SizeOf(m.Type) switch
        {
            1 => ReadBytes(at, 1)[0],
            2 => BitConverter.ToUInt16(ReadBytes(at, 2)),
            4 => ReadU32(at),
            _ => ReadU64(at),
        };
    }

    /// <summary><c>array[index of ENUMERATOR]</c> of an array of longs such as vm_zone_stat; 0 for an unknown item.</summary>
    public ulong VmStat(string array, string enumerator) =>
        Types.EnumeratorValue(enumerator) is long i && i >= 0 ? ReadU64(Global(array) + (ulong)i * 8) : 0;

    public ulong ReadU64(ulong address) =>
        session.Memory.TryReadU64(address, out ulong v) ? v : throw Invalid(address);

    public uint ReadU32(ulong address) =>
        session.Memory.TryReadU32(address, out uint v) ? v : throw Invalid(address);

    private byte[] ReadBytes(ulong address, int n)
    {
        var b = new byte[n];
        return session.Memory.TryReadVirtual(address, b) ? b : throw Invalid(address);
    }

    private CommandException Invalid(ulong address) =>
        new($"{command}: invalid kernel virtual address: {address:x}  type: \"kernel memory\"");
}
