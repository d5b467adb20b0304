// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kexec;
using System.Buffers.Binary;

namespace Dumpkit.Testing;

/// <summary>Records every call instead of loading or booting anything.</summary>
public sealed class FakeSyscalls : IKexecSyscalls
{
    public sealed record Load(string Kernel, string? Initrd, string Cmdline, ulong Flags);

    public List<Load> Loads { get; } = [];
    public List<ulong> Unloads { get; } = [];
    public int Reboots { get; private set; }
    public int Syncs { get; private set; }
    public int LoadErrno { get; set; }
    public int UnloadErrno { get; set; }
    public int RebootErrno { get; set; } = KexecErrors.EPERM;
    /// <summary>Called after a successful load, e.g. to set kexec_crash_loaded.</summary>
    public Action<Load>? OnLoad { get; set; }

    public int FileLoad(string kernelPath, string? initrdPath, string cmdline, ulong flags)
    {
        var l = new Load(kernelPath, initrdPath, cmdline, flags);
        Loads.Add(l);
        if (LoadErrno == 0) OnLoad?.Invoke(l);
        return LoadErrno;
    }

    public int Unload(ulong flags)
    {
        Unloads.Add(flags);
        return UnloadErrno;
    }

    public int RebootKexec()
    {
        Reboots++;
        return RebootErrno;
    }

    public void Sync() => Syncs++;
}

/// <summary>A temporary system root (sys/, proc/), a fake syscall layer and captured output.</summary>
public sealed class FakeSystem : IDisposable
{
    public TempDir Dir { get; } = new();
    public FakeSyscalls Sys { get; } = new();
    public StringWriter Out { get; } = new();
    public StringWriter Err { get; } = new();
    public List<string> ShellCommands { get; } = [];
    public DateTime Now { get; set; } = new(2026, 11, 26, 8, 30, 0);

    public FakeSystem(long crashSize = 112L << 20, string cmdline = "BOOT_IMAGE=/boot/vmlinuz-6.1.0-56-amd64 root=/dev/vda1 ro crashkernel=112M quiet")
    {
        SetSys("kernel/kexec_crash_size", crashSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        SetSys("kernel/kexec_loaded", "0");
        SetSys("kernel/kexec_crash_loaded", "0");
        WriteRoot("proc/cmdline", cmdline + "\n");
        WriteRoot("proc/sys/kernel/osrelease", "6.1.0-56-amd64\n");
    }

    public string Root => Dir.Path;

    public void SetSys(string rel, string value) => WriteRoot("sys/" + rel, value + "\n");

    public void WriteRoot(string rel, string content)
    {
        var p = Path.Combine(Root, rel);
        Directory.CreateDirectory(Path.GetDirectoryName(p)!);
        System.IO.File.WriteAllText(p, content);
    }

    public KexecHost Host => new()
    {
        Root = Root,
        Sys = Sys,
        Out = Out,
        Err = Err,
        Now = () => Now,
        Shell = c => { ShellCommands.Add(c); return 0; },
    };

    public int Kexec(params string[] args) => KexecCommand.Run(args, Host);

    /// <summary>A minimal file that passes the bzImage64 checks.</summary>
    public static byte[] BzImageBytes(ushort version = 0x020f, byte loadflags = 1, ushort xloadflags = 3, uint cmdlineSize = 2047)
    {
        var b = new byte[0x1000];
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(0x1fe), 0xAA55);
        "HdrS"u8.CopyTo(b.AsSpan(0x202));
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(0x206), version);
        b[0x211] = loadflags;
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(0x236), xloadflags);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(0x238), cmdlineSize);
        return b;
    }

    public string MakeFile(string name, byte[] content)
    {
        var p = Dir[name];
        System.IO.File.WriteAllBytes(p, content);
        return p;
    }

    public string Kernel() => MakeFile("vmlinuz", BzImageBytes());
    public string Initrd() => MakeFile("initrd.img", [0x1f, 0x8b, 8, 0, 0, 0, 0, 0]);

    public void Dispose() => Dir.Dispose();
}
