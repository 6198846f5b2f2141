using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ExpertPool.Domain.Draws.Algorithm;

/// <summary>
/// Minimal JSON writer for the canonical form: no whitespace, keys in the order written, strings as raw UTF-8 with only
/// <c>"</c>, <c>\</c> and control characters below U+0020 escaped (\b \t \n \f \r short forms, otherwise \u00xx lowercase).
/// This is byte-for-byte what Python's <c>json.dumps(obj, ensure_ascii=False, separators=(",", ":"))</c> produces
/// for the same strings and integers. Optional indentation is only for human-readable files such as the test vectors.
/// <para>
/// The text goes into a buffer rented from <see cref="ArrayPool{T}.Shared"/> (a record is megabytes at 100,000 experts);
/// <see cref="Dispose"/> returns it. A writer that is not disposed only leaves its buffer to the garbage collector.
/// </para>
/// <para>
/// Methods on the per-token path are <see cref="MethodImplOptions.AggressiveOptimization"/>, as are the other per-id loops of
/// the draw: a record is written rarely but token by token a hundred thousand times, and tiered compilation would otherwise
/// run these unoptimised through the first draws of a process.
/// </para>
/// </summary>
internal sealed class CanonicalJsonWriter(bool indented = false, int initialCapacity = 1024) : IDisposable
{
    private char[] _buffer = ArrayPool<char>.Shared.Rent(Math.Max(initialCapacity, 16));
    private int _length;

    /// <summary>One flag per open container: whether it already has an item (so the next one needs a comma).</summary>
    private bool[] _hasItems = new bool[16];
    private int _depth;
    private bool _pendingValueAfterName;

    public override string ToString() => new(_buffer, 0, _length);

    /// <summary>The text written so far; valid until the next write or <see cref="Dispose"/>.</summary>
    public ReadOnlySpan<char> WrittenSpan => _buffer.AsSpan(0, _length);

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _length = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public CanonicalJsonWriter StartObject() => Open('{');

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public CanonicalJsonWriter EndObject() => Close('}');

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public CanonicalJsonWriter StartArray() => Open('[');

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public CanonicalJsonWriter EndArray() => Close(']');

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public CanonicalJsonWriter Name(string name)
    {
        Separator();
        WriteEscaped(name);
        if (indented)
        {
            Append(": ");
        }
        else
        {
            Append(':');
        }

        _pendingValueAfterName = true;
        return this;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public CanonicalJsonWriter String(string? value)
    {
        if (value is null)
        {
            return Null();
        }

        BeforeValue();
        WriteEscaped(value);
        return this;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public CanonicalJsonWriter Number(long value)
    {
        BeforeValue();
        int written;
        while (!value.TryFormat(_buffer.AsSpan(_length), out written, default, CultureInfo.InvariantCulture))
        {
            Grow(32);
        }

        _length += written;
        return this;
    }

    public CanonicalJsonWriter Number(double value)
    {
        BeforeValue();
        Append(value.ToString("R", CultureInfo.InvariantCulture));
        return this;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public CanonicalJsonWriter Bool(bool value)
    {
        BeforeValue();
        Append(value ? "true" : "false");
        return this;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public CanonicalJsonWriter Null()
    {
        BeforeValue();
        Append("null");
        return this;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public CanonicalJsonWriter Property(string name, string? value) => Name(name).String(value);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public CanonicalJsonWriter Property(string name, long value) => Name(name).Number(value);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public CanonicalJsonWriter Property(string name, bool value) => Name(name).Bool(value);

    /// <summary>Writes an arbitrary JSON node (the host's context) keeping its property order.</summary>
    public CanonicalJsonWriter Node(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return Null();
            case JsonObject obj:
                StartObject();
                foreach (var (key, child) in obj)
                {
                    Name(key).Node(child);
                }

                return EndObject();
            case JsonArray array:
                StartArray();
                foreach (var child in array)
                {
                    Node(child);
                }

                return EndArray();
            default:
                switch (node.GetValueKind())
                {
                    case JsonValueKind.String:
                        return String(node.GetValue<string>());
                    case JsonValueKind.True:
                        return Bool(true);
                    case JsonValueKind.False:
                        return Bool(false);
                    case JsonValueKind.Null:
                        return Null();
                    default:
                        BeforeValue();
                        Append(node.ToJsonString());
                        return this;
                }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private CanonicalJsonWriter Open(char bracket)
    {
        BeforeValue();
        Append(bracket);
        if (_depth == _hasItems.Length)
        {
            Array.Resize(ref _hasItems, _depth * 2);
        }

        _hasItems[_depth++] = false;
        return this;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private CanonicalJsonWriter Close(char bracket)
    {
        var hadItems = _hasItems[--_depth];
        if (hadItems)
        {
            NewLine();
        }

        Append(bracket);
        return this;
    }

    /// <summary>A value directly after its name needs no separator; any other value is an array item or a top-level value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void BeforeValue()
    {
        if (_pendingValueAfterName)
        {
            _pendingValueAfterName = false;
        }
        else
        {
            Separator();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Separator()
    {
        if (_depth == 0)
        {
            return;
        }

        if (_hasItems[_depth - 1])
        {
            Append(',');
        }
        else
        {
            _hasItems[_depth - 1] = true;
        }

        NewLine();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void NewLine()
    {
        if (indented)
        {
            Append('\n');
            var spaces = 2 * _depth;
            EnsureCapacity(spaces);
            _buffer.AsSpan(_length, spaces).Fill(' ');
            _length += spaces;
        }
    }

    private static readonly SearchValues<char> NeedsEscape = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f");

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WriteEscaped(string value)
    {
        // Most values (ids, hex, names) need no escaping: each run between escapes is copied whole.
        EnsureCapacity(value.Length + 2);
        _buffer[_length++] = '"';
        var rest = value.AsSpan();
        int next;
        while ((next = rest.IndexOfAny(NeedsEscape)) >= 0)
        {
            Append(rest[..next]);
            Append(rest[next] switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\b' => "\\b",
                '\t' => "\\t",
                '\n' => "\\n",
                '\f' => "\\f",
                '\r' => "\\r",
                var c => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
            });
            rest = rest[(next + 1)..];
        }

        EnsureCapacity(rest.Length + 1);
        rest.CopyTo(_buffer.AsSpan(_length));
        _length += rest.Length;
        _buffer[_length++] = '"';
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Append(char c)
    {
        EnsureCapacity(1);
        _buffer[_length++] = c;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Append(ReadOnlySpan<char> text)
    {
        EnsureCapacity(text.Length);
        text.CopyTo(_buffer.AsSpan(_length));
        _length += text.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EnsureCapacity(int more)
    {
        if (_buffer.Length - _length < more)
        {
            Grow(more);
        }
    }

    private void Grow(int more)
    {
        var larger = ArrayPool<char>.Shared.Rent((int)Math.Min(Array.MaxLength, Math.Max((long)_buffer.Length * 2, (long)_length + more)));
        _buffer.AsSpan(0, _length).CopyTo(larger);
        var old = _buffer;
        _buffer = larger;
        if (old.Length > 0)
        {
            ArrayPool<char>.Shared.Return(old);
        }
    }
}
