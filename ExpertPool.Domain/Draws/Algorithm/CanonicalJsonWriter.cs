using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ExpertPool.Domain.Draws.Algorithm;

/// <summary>
/// Minimal JSON writer for the canonical form: no whitespace, keys in the order written, strings as raw UTF-8 with only
/// <c>"</c>, <c>\</c> and control characters below U+0020 escaped (\b \t \n \f \r short forms, otherwise \u00xx lowercase).
/// This is byte-for-byte what Python's <c>json.dumps(obj, ensure_ascii=False, separators=(",", ":"))</c> produces
/// for the same strings and integers. Optional indentation is only for human-readable files such as the test vectors.
/// </summary>
internal sealed class CanonicalJsonWriter(bool indented = false)
{
    private readonly StringBuilder _text = new();
    private readonly Stack<bool> _hasItems = new();

    public override string ToString() => _text.ToString();

    public CanonicalJsonWriter StartObject() => Open('{');

    public CanonicalJsonWriter EndObject() => Close('}');

    public CanonicalJsonWriter StartArray() => Open('[');

    public CanonicalJsonWriter EndArray() => Close(']');

    public CanonicalJsonWriter Name(string name)
    {
        Separator();
        WriteEscaped(name);
        _text.Append(indented ? ": " : ":");
        _pendingValueAfterName = true;
        return this;
    }

    public CanonicalJsonWriter String(string? value) => value is null ? Null() : Raw(() => WriteEscaped(value));

    public CanonicalJsonWriter Number(long value) => Raw(() => _text.Append(value.ToString(CultureInfo.InvariantCulture)));

    public CanonicalJsonWriter Number(double value) =>
        Raw(() => _text.Append(value.ToString("R", CultureInfo.InvariantCulture)));

    public CanonicalJsonWriter Bool(bool value) => Raw(() => _text.Append(value ? "true" : "false"));

    public CanonicalJsonWriter Null() => Raw(() => _text.Append("null"));

    public CanonicalJsonWriter Property(string name, string? value) => Name(name).String(value);

    public CanonicalJsonWriter Property(string name, long value) => Name(name).Number(value);

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
                return node.GetValueKind() switch
                {
                    JsonValueKind.String => String(node.GetValue<string>()),
                    JsonValueKind.True => Bool(true),
                    JsonValueKind.False => Bool(false),
                    JsonValueKind.Null => Null(),
                    _ => Raw(() => _text.Append(node.ToJsonString())),
                };
        }
    }

    private bool _pendingValueAfterName;

    private CanonicalJsonWriter Open(char bracket)
    {
        Raw(() => _text.Append(bracket));
        _hasItems.Push(false);
        return this;
    }

    private CanonicalJsonWriter Close(char bracket)
    {
        var hadItems = _hasItems.Pop();
        if (hadItems)
        {
            NewLine();
        }

        _text.Append(bracket);
        return this;
    }

    private CanonicalJsonWriter Raw(Action write)
    {
        if (_pendingValueAfterName)
        {
            _pendingValueAfterName = false;
        }
        else
        {
            Separator();
        }

        write();
        return this;
    }

    private void Separator()
    {
        if (_hasItems.Count == 0)
        {
            return;
        }

        if (_hasItems.Peek())
        {
            _text.Append(',');
        }
        else
        {
            _hasItems.Pop();
            _hasItems.Push(true);
        }

        NewLine();
    }

    private void NewLine()
    {
        if (indented)
        {
            _text.Append('\n').Append(' ', 2 * _hasItems.Count);
        }
    }

    private static readonly System.Buffers.SearchValues<char> NeedsEscape = System.Buffers.SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f");

    private void WriteEscaped(string value)
    {
        _text.Append('"');
        if (!value.AsSpan().ContainsAny(NeedsEscape))
        {
            // Most values (ids, hex, names) need no escaping: copy them whole.
            _text.Append(value).Append('"');
            return;
        }

        foreach (var c in value)
        {
            switch (c)
            {
                case '"': _text.Append("\\\""); break;
                case '\\': _text.Append("\\\\"); break;
                case '\b': _text.Append("\\b"); break;
                case '\t': _text.Append("\\t"); break;
                case '\n': _text.Append("\\n"); break;
                case '\f': _text.Append("\\f"); break;
                case '\r': _text.Append("\\r"); break;
                case < ' ': _text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: _text.Append(c); break;
            }
        }

        _text.Append('"');
    }
}
