// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text;

namespace Dumpkit.Crash.Prompt;

/// <summary>
/// A small emacs-style line editor over a byte source (the terminal in raw mode): printable characters insert;
/// left/right (Ctrl-B/F), home/end (Ctrl-A/E), backspace, delete, Ctrl-U/K/W kill before, after, the word
/// before; up/down (Ctrl-P/N) walk the history; Ctrl-C drops the line for a fresh prompt; Ctrl-D deletes the
/// character under the cursor and, on an empty line, ends the input (null), as at crash's readline prompt.
/// The line is redrawn in place: carriage return, prompt, text, erase to the end, cursor back. Lines longer
/// than the terminal is wide are not handled specially.
/// </summary>
internal sealed class LineEditor
{
    /// <summary>A line longer than this takes no more characters.</summary>
    public const int MaxLine = 4096;

    private readonly Func<int> _readByte;
    private readonly TextWriter _out;
    private readonly CommandHistory _history;
    private readonly StringBuilder _line = new();
    private int _cursor;
    private string _prompt = "";

    public LineEditor(Func<int> readByte, TextWriter output, CommandHistory history)
    {
        _readByte = readByte;
        _out = output;
        _history = history;
    }

    /// <summary>One edited line (without its end), added to the history when not blank; null at end of input.</summary>
    public string? ReadLine(string prompt)
    {
        _prompt = prompt;
        _line.Clear();
        _cursor = 0;
        int browse = _history.Count; // == Count: the line being typed
        string pending = "";
        Write(prompt);
        while (true)
        {
            int b = _readByte();
            switch (b)
            {
                case -1:
                    if (_line.Length == 0)
                        return null;
                    return Finish();
                case '\r' or '\n':
                    return Finish();
                case 0x01: Move(0); break;                      // Ctrl-A
                case 0x05: Move(_line.Length); break;           // Ctrl-E
                case 0x02: Move(_cursor - 1); break;            // Ctrl-B
                case 0x06: Move(_cursor + 1); break;            // Ctrl-F
                case 0x7f or 0x08: Backspace(); break;
                case 0x04:                                      // Ctrl-D
                    if (_line.Length == 0)
                    {
                        Write("\n");
                        return null;
                    }
                    Delete();
                    break;
                case 0x15: Kill(0, _cursor); break;             // Ctrl-U
                case 0x0b: Kill(_cursor, _line.Length); break;  // Ctrl-K
                case 0x17: Kill(WordStart(), _cursor); break;   // Ctrl-W
                case 0x03:                                      // Ctrl-C: a fresh, empty line
                    Write("^C\n");
                    _line.Clear();
                    _cursor = 0;
                    browse = _history.Count;
                    Write(prompt);
                    break;
                case 0x10: Browse(-1, ref browse, ref pending); break; // Ctrl-P
                case 0x0e: Browse(+1, ref browse, ref pending); break; // Ctrl-N
                case 0x0c: Write("\x1b[H\x1b[2J"); Redraw(); break;     // Ctrl-L
                case 0x1b: Escape(ref browse, ref pending); break;
                default:
                    if (b >= 0x20 && b != 0x7f && _line.Length < MaxLine)
                    {
                        _line.Insert(_cursor++, (char)b);
                        Redraw();
                    }
                    break;
            }
        }
    }

    private string Finish()
    {
        Write("\n");
        var text = _line.ToString();
        _history.Add(text);
        return text;
    }

    // ESC [ or ESC O, then parameters and a final byte: arrows, Home/End, Delete (xterm, VT100 and linux console forms).
    private void Escape(ref int browse, ref string pending)
    {
        int b = _readByte();
        if (b != '[' && b != 'O')
            return;
        var param = new StringBuilder();
        int final;
        while (true)
        {
            final = _readByte();
            if (final is >= '0' and <= '9' or ';' && param.Length < 16)
                param.Append((char)final);
            else
                break;
        }
        string p = param.ToString();
        switch (final)
        {
            case 'A': Browse(-1, ref browse, ref pending); break;
            case 'B': Browse(+1, ref browse, ref pending); break;
            case 'C': Move(_cursor + 1); break;
            case 'D': Move(_cursor - 1); break;
            case 'H': Move(0); break;
            case 'F': Move(_line.Length); break;
            case '~' when p is "1" or "7": Move(0); break;
            case '~' when p is "4" or "8": Move(_line.Length); break;
            case '~' when p is "3": Delete(); break;
        }
    }

    private void Browse(int step, ref int browse, ref string pending)
    {
        int next = browse + step;
        if (next < 0 || next > _history.Count)
            return;
        if (browse == _history.Count)
            pending = _line.ToString();
        browse = next;
        _line.Clear().Append(browse == _history.Count ? pending : _history[browse]);
        _cursor = _line.Length;
        Redraw();
    }

    private void Move(int to)
    {
        to = Math.Clamp(to, 0, _line.Length);
        if (to == _cursor)
            return;
        _cursor = to;
        Redraw();
    }

    private void Backspace()
    {
        if (_cursor == 0)
            return;
        _line.Remove(--_cursor, 1);
        Redraw();
    }

    private void Delete()
    {
        if (_cursor >= _line.Length)
            return;
        _line.Remove(_cursor, 1);
        Redraw();
    }

    private void Kill(int from, int to)
    {
        if (to <= from)
            return;
        _line.Remove(from, to - from);
        _cursor = from;
        Redraw();
    }

    // Ctrl-W: back over blanks, then over the word before them.
    private int WordStart()
    {
        int i = _cursor;
        while (i > 0 && _line[i - 1] == ' ')
            i--;
        while (i > 0 && _line[i - 1] != ' ')
            i--;
        return i;
    }

    private void Redraw()
    {
        var s = new StringBuilder().Append('\r').Append(_prompt).Append(_line).Append("\x1b[K");
        int back = _line.Length - _cursor;
        if (back > 0)
            s.Append("\x1b[").Append(back).Append('D');
        Write(s.ToString());
    }

    private void Write(string s)
    {
        _out.Write(s);
        _out.Flush();
    }
}
