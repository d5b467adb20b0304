// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using Dumpkit.Pcap.Capture;

namespace Dumpkit.Tcpdump.Cli;

/// <summary>
/// tcpdump's -w with its rotation: -C (a new file NAME1, NAME2, ... once the current one holds more than
/// N million bytes, wrapping after -W files), -G (a new file every N seconds of wall clock, named by
/// strftime; with -W alone the capture stops after that many files) and -z (a command run on each
/// closed file). "-w -" writes standard output, which is flushed and never rotated or closed.
/// </summary>
internal sealed class RotatingWriter : IDisposable
{
    private readonly Options _o;
    private readonly Stream _stdout;
    private readonly TextWriter _stderr;
    private readonly TimeZoneInfo _zone;
    private readonly int _linkType, _snapLen;
    private readonly bool _nano;
    private readonly int _digits;       // width of the -C file number: enough for -W's largest
    private int _fileNo, _gCount;
    private long _gTime;
    private string _currentName = "";
    private PacketWriter? _writer;

    public RotatingWriter(Options o, Stream stdout, TextWriter stderr, TimeZoneInfo zone, int linkType, int snapLen, bool nano)
    {
        _o = o;
        _stdout = stdout;
        _stderr = stderr;
        _zone = zone;
        _linkType = linkType;
        _snapLen = snapLen;
        _nano = nano;
        if (o.FileCount > 0) for (long x = o.FileCount - 1; x > 0; x /= 10) _digits++;
        _gTime = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        _writer = Open(0, _digits);
    }

    private bool ToStdout => _o.WriteFile == "-";

    /// <summary>The file being written (after -C numbering and -G's strftime).</summary>
    public string CurrentName => _currentName;

    private PacketWriter Open(int cnt, int chars)
    {
        string baseName = _o.RotateSeconds > 0 ? Strftime.Format(_o.WriteFile!, _gTime, _zone) : _o.WriteFile!;
        string name = cnt == 0 && chars == 0 ? baseName : baseName + cnt.ToString(new string('0', Math.Max(1, chars)), CultureInfo.InvariantCulture);
        _currentName = name;
        Stream ws;
        if (ToStdout) ws = _stdout;
        else
        {
            try { ws = new FileStream(name, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16); }
            catch (Exception ex) when (SystemErrors.IsOpenFailure(ex))
            {
                // as tcpdump, at the start and at a rotation alike: "tcpdump: NAME: strerror", exit 1
                throw new UsageException($"{name}: {SystemErrors.Describe(ex, name) ?? "Input/output error"}");
            }
        }
        _failed = false;
        try { return PacketWriter.Create(ws, _linkType, _snapLen, _nano, _o.Pcapng); }
        catch (Exception ex) when (SystemErrors.IsIo(ex))
        {
            // the file header did not fit (a full disk): as libpcap's stdio, the file stays open and silent
            _failed = true;
            if (!ToStdout)
            {
                try { ws.Dispose(); }
                catch (Exception e) when (SystemErrors.IsIo(e)) { }
            }
            return PacketWriter.Create(Stream.Null, _linkType, _snapLen, _nano, _o.Pcapng);
        }
    }

    /// <summary>
    /// A write to the current file failed. tcpdump (pcap_dump on a stdio stream) does not check its writes:
    /// a full disk or /dev/full loses the packets silently and the run ends with status 0. So does this,
    /// without retrying each packet; the bytes already in the file stay as they are.
    /// </summary>
    private bool _failed;

    private void PostRotate(string name)
    {
        if (_o.PostRotate == null) return;
        try { System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(_o.PostRotate, [name]) { UseShellExecute = false }); }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            string why = ex is System.ComponentModel.Win32Exception w ? SystemErrors.StrError(w.NativeErrorCode) : SystemErrors.Unexpected(ex);
            _stderr.WriteLine($"compress_savefile: execlp({_o.PostRotate}, {name}) failed: {why}");
        }
    }

    /// <summary>
    /// Called before each packet is written: moves to the next file when -G's interval is over or -C's
    /// size is exceeded. Returns false when -G has made its -W files: the capture stops.
    /// </summary>
    public bool RotateIfDue()
    {
        if (_writer == null) return true;
        if (_o.RotateSeconds > 0 && !ToStdout)
        {
            // -G: rotate on the first packet after the interval (wall clock), strftime names
            long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            if (now - _gTime >= _o.RotateSeconds)
            {
                _gTime = now;
                _gCount++;
                Close(_writer);
                _writer = null;
                PostRotate(_currentName);
                if (_o.FileSizeMb == 0 && _o.FileCount > 0 && _gCount >= _o.FileCount)
                {
                    _writer = null;
                    _stderr.WriteLine($"Maximum file limit reached: {_o.FileCount}");
                    return false;
                }
                _fileNo = 0;
                _writer = Open(0, _o.FileSizeMb != 0 ? _digits : 0);
            }
        }
        if (_o.FileSizeMb > 0 && !ToStdout && _writer.BytesWritten > _o.FileSizeMb * 1000000)
        {
            // -C: rotate to NAME1, NAME2, ... (wrapping at -W files)
            Close(_writer);
            _writer = null;
            PostRotate(_currentName);
            _fileNo++;
            if (_o.FileCount > 0 && _fileNo >= _o.FileCount) _fileNo = 0;
            _writer = Open(_fileNo, _digits);
        }
        return true;
    }

    public void Write(in PacketHeader h, ReadOnlySpan<byte> data)
    {
        if (_writer == null || _failed) return;
        try { _writer.Write(h, data); }
        catch (Exception ex) when (SystemErrors.IsIo(ex)) { _failed = true; }
    }

    public void Flush()
    {
        if (_writer == null || _failed) return;
        try { _writer.Flush(); }
        catch (Exception ex) when (SystemErrors.IsIo(ex)) { _failed = true; }
    }

    /// <summary>Closes the current file (a failed write is not reported, as tcpdump's); standard output is only flushed.</summary>
    public void Dispose()
    {
        var w = _writer;
        _writer = null;
        Close(w);
    }

    private void Close(PacketWriter? w)
    {
        if (w == null) return;
        try
        {
            if (ToStdout) { if (!_failed) w.Flush(); }
            else w.Dispose();
        }
        catch (Exception ex) when (SystemErrors.IsIo(ex)) { _failed = true; }
    }
}
