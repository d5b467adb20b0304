// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Runtime.InteropServices;

namespace Dumpkit.Crash.Prompt;

/// <summary>
/// The controlling terminal on descriptor 0 through termios: raw mode (no echo, no line discipline,
/// no signals from keys, output processing kept so that \n still ends a line) while a line is edited,
/// and the saved settings put back after it, on a signal that ends the process, and on an exception.
/// </summary>
internal static unsafe partial class RawTerminal
{
    // Linux x86-64 struct termios: c_iflag, c_oflag, c_cflag, c_lflag (u32), c_line, c_cc[32], c_ispeed, c_ospeed: 60 bytes.
    private const int TermiosSize = 64;
    private const int IflagOffset = 0, LflagOffset = 12, CcOffset = 17;
    private const uint Icrnl = 0x100, Ixon = 0x400, Isig = 0x1, Icanon = 0x2, Echo = 0x8, Iexten = 0x8000;
    private const int Vtime = 5, Vmin = 6;
    private const int TcsaDrain = 1;

    private static readonly object Gate = new();
    private static byte[]? _saved;
    private static bool _raw;

    [LibraryImport("libc", EntryPoint = "isatty")]
    private static partial int IsATty(int fd);

    [LibraryImport("libc", EntryPoint = "tcgetattr", SetLastError = true)]
    private static partial int TcGetAttr(int fd, byte* termios);

    [LibraryImport("libc", EntryPoint = "tcsetattr", SetLastError = true)]
    private static partial int TcSetAttr(int fd, int actions, byte* termios);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int fd, byte* buffer, nuint count);

    /// <summary>True when descriptors 0 and 1 are terminals and the settings of 0 can be read (then saved).</summary>
    public static bool TrySave()
    {
        if (IsATty(0) != 1 || IsATty(1) != 1)
            return false;
        var t = new byte[TermiosSize];
        fixed (byte* p = t)
            if (TcGetAttr(0, p) != 0)
                return false;
        lock (Gate)
            _saved = t;
        return true;
    }

    /// <summary>Raw mode for editing a line; false when the terminal refuses it.</summary>
    public static bool EnterRaw()
    {
        lock (Gate)
        {
            if (_saved is null)
                return false;
            var t = (byte[])_saved.Clone();
            uint iflag = BitConverter.ToUInt32(t, IflagOffset) & ~(Icrnl | Ixon);
            uint lflag = BitConverter.ToUInt32(t, LflagOffset) & ~(Isig | Icanon | Echo | Iexten);
            BitConverter.TryWriteBytes(t.AsSpan(IflagOffset), iflag);
            BitConverter.TryWriteBytes(t.AsSpan(LflagOffset), lflag);
            t[CcOffset + Vmin] = 1;
            t[CcOffset + Vtime] = 0;
            fixed (byte* p = t)
                _raw = TcSetAttr(0, TcsaDrain, p) == 0;
            return _raw;
        }
    }

    /// <summary>The settings saved by <see cref="TrySave"/> again (any thread; idempotent).</summary>
    public static void Restore()
    {
        lock (Gate)
        {
            if (_saved is null || !_raw)
                return;
            fixed (byte* p = _saved)
                _ = TcSetAttr(0, TcsaDrain, p);
            _raw = false;
        }
    }

    /// <summary>One byte from descriptor 0; -1 at end of input or on an error other than EINTR.</summary>
    public static int ReadByte()
    {
        byte b;
        while (true)
        {
            nint n = Read(0, &b, 1);
            if (n == 1)
                return b;
            if (n < 0 && Marshal.GetLastPInvokeError() == 4) // EINTR
                continue;
            return -1;
        }
    }
}
