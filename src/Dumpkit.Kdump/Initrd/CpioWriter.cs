// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text;

namespace Dumpkit.Kdump.Initrd;

/// <summary>One member of a cpio archive: a directory, a regular file, a symbolic link or a character device.</summary>
public sealed record CpioEntry(string Name, uint Mode, byte[] Data, uint RdevMajor = 0, uint RdevMinor = 0)
{
    public const uint TypeDirectory = 0x4000, TypeFile = 0x8000, TypeSymlink = 0xA000, TypeCharDevice = 0x2000;

    public static CpioEntry Directory(string name, uint permissions = 0x1ED) => new(name, TypeDirectory | permissions, []);
    public static CpioEntry File(string name, byte[] data, uint permissions = 0x1A4) => new(name, TypeFile | permissions, data);
    public static CpioEntry Symlink(string name, string target) => new(name, TypeSymlink | 0x1FF, Encoding.UTF8.GetBytes(target));
    public static CpioEntry CharDevice(string name, uint major, uint minor, uint permissions = 0x180) =>
        new(name, TypeCharDevice | permissions, [], major, minor);

    public uint Type => Mode & 0xF000;
}

/// <summary>
/// Writes the "newc" cpio format the kernel unpacks into its initial root file system: per member a
/// 110-byte ASCII header ("070701" and thirteen 8-digit hex fields), the NUL-terminated name and the data,
/// each padded to 4 bytes; the archive ends with the member "TRAILER!!!". Owner root, a fixed modification
/// time and inode numbers in writing order make the same members give the same bytes.
/// </summary>
public static class CpioWriter
{
    public const string Magic = "070701", Trailer = "TRAILER!!!";

    public static void Write(Stream output, IEnumerable<CpioEntry> entries, uint mtime = 0)
    {
        uint ino = 1;
        foreach (var e in entries)
            WriteMember(output, e, ino++, mtime);
        WriteMember(output, new CpioEntry(Trailer, 0, []), 0, 0);
    }

    private static void WriteMember(Stream output, CpioEntry e, uint ino, uint mtime)
    {
        if (e.Name.Length == 0 || e.Name.StartsWith('/') || e.Name.Contains('\0'))
            throw new ArgumentException($"cpio member name \"{e.Name}\" is empty, absolute or holds a NUL", nameof(e));
        byte[] name = Encoding.UTF8.GetBytes(e.Name);
        uint nlink = e.Name == Trailer ? 1u : e.Type == CpioEntry.TypeDirectory ? 2u : 1u;
        var header = new StringBuilder(110).Append(Magic);
        foreach (uint field in new[] { ino, e.Mode, 0u, 0u, nlink, mtime, (uint)e.Data.Length, 0u, 0u, e.RdevMajor, e.RdevMinor,
                                        (uint)name.Length + 1, 0u })
            header.Append(field.ToString("X8", System.Globalization.CultureInfo.InvariantCulture));
        byte[] h = Encoding.ASCII.GetBytes(header.ToString());
        output.Write(h);
        output.Write(name);
        output.WriteByte(0);
        Pad(output, h.Length + name.Length + 1);
        output.Write(e.Data);
        Pad(output, e.Data.Length);
    }

    private static void Pad(Stream output, int length)
    {
        for (int i = length; (i & 3) != 0; i++)
            output.WriteByte(0);
    }
}
