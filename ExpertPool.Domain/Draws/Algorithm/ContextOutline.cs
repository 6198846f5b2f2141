using System.Text.Json;

namespace ExpertPool.Domain.Draws.Algorithm;

/// <summary>
/// What a verifier needs from a record's context without building it: the context's top-level text and null values, and
/// how many elements each of its top-level arrays has. The context of a 100,000-expert draw is megabytes of evidence, so
/// this is gathered in the one forward pass that checks the record is JSON.
/// </summary>
internal sealed class ContextOutline
{
    private ContextOutline(Dictionary<string, string?> values, Dictionary<string, int> arrayLengths)
    {
        Values = values;
        ArrayLengths = arrayLengths;
    }

    /// <summary>Top-level properties whose value is a string (or null).</summary>
    public IReadOnlyDictionary<string, string?> Values { get; }

    /// <summary>Top-level properties whose value is an array, with the array's length.</summary>
    public IReadOnlyDictionary<string, int> ArrayLengths { get; }

    /// <summary>
    /// Reads the object the reader stands on (its <see cref="JsonTokenType.StartObject"/>) up to its end, every token of it
    /// (as skipping it would). A key given twice in any of its objects is malformed, as anywhere in a record
    /// (specification section 9).
    /// </summary>
    /// <param name="reader">A reader over <paramref name="utf8"/>, standing on the context's start.</param>
    /// <param name="utf8">The whole text the reader reads: keys are compared as the bytes they are written with.</param>
    /// <exception cref="JsonException">Invalid JSON, or a key given twice.</exception>
    public static ContextOutline Read(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        var arrays = new Dictionary<string, int>(StringComparer.Ordinal);
        // The keys seen so far in each open object, innermost last (reused by depth).
        var keys = new List<KeySet> { new() };
        var open = 1;
        var baseDepth = reader.CurrentDepth;
        string? property = null;
        var elements = -1;
        while (reader.Read())
        {
            var depth = reader.CurrentDepth - baseDepth;
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    var key = new Key((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length, reader.ValueIsEscaped ? reader.GetString() : null);
                    if (!keys[open - 1].Add(key, utf8))
                    {
                        throw new JsonException($"Property '{key.Text(utf8)}' is given twice in the record's context.");
                    }

                    if (depth == 1)
                    {
                        property = key.Text(utf8);
                    }

                    continue;
                case JsonTokenType.StartObject:
                    if (keys.Count == open)
                    {
                        keys.Add(new KeySet());
                    }

                    keys[open++].Clear();
                    break;
                case JsonTokenType.EndObject:
                    if (--open == 0)
                    {
                        return new ContextOutline(values, arrays);
                    }

                    continue;
                case JsonTokenType.EndArray:
                    if (depth == 1)
                    {
                        arrays[property!] = elements;
                        elements = -1;
                    }

                    continue;
            }

            // Every string must be valid Unicode (specification section 4), however deep: raw text is checked as UTF-8
            // when it is read; an escape such as \ud800 alone only when decoded, which GetString refuses. The service
            // escapes only control characters and quotes, so few strings need decoding.
            if (depth > 1 && reader.TokenType == JsonTokenType.String && reader.ValueIsEscaped)
            {
                _ = reader.GetString();
            }

            // A value starts here (the token is not a property name or an end).
            if (depth == 1)
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.String:
                        values[property!] = reader.GetString();
                        break;
                    case JsonTokenType.Null:
                        values[property!] = null;
                        break;
                    case JsonTokenType.StartArray:
                        elements = 0;
                        break;
                }
            }
            else if (depth == 2 && elements >= 0)
            {
                elements++;
            }
        }

        throw new JsonException("The record's context is not closed.");
    }

    /// <summary>
    /// The keys of one object. Objects the service writes have a handful of keys, compared as bytes in place; past
    /// <see cref="Small"/> keys (only a hand-made record has them) they go into a set, so a huge object costs linear time.
    /// </summary>
    private sealed class KeySet
    {
        private const int Small = 16;
        private readonly List<Key> _keys = [];
        private HashSet<string>? _texts;

        public void Clear()
        {
            _keys.Clear();
            _texts = null;
        }

        /// <summary>False when the object already has this key.</summary>
        public bool Add(Key key, ReadOnlySpan<byte> utf8)
        {
            if (_texts is not null)
            {
                return _texts.Add(key.Text(utf8));
            }

            foreach (var other in _keys)
            {
                if (other.SameAs(key, utf8))
                {
                    return false;
                }
            }

            _keys.Add(key);
            if (_keys.Count > Small)
            {
                _texts = new HashSet<string>(StringComparer.Ordinal);
                foreach (var k in _keys)
                {
                    _texts.Add(k.Text(utf8));
                }
            }

            return true;
        }
    }

    /// <summary>A key as written: where its bytes are in the text, and its text when it was written with escapes.</summary>
    private readonly record struct Key(int Start, int Length, string? Unescaped)
    {
        public string Text(ReadOnlySpan<byte> utf8) => Unescaped ?? System.Text.Encoding.UTF8.GetString(utf8.Slice(Start, Length));

        public bool SameAs(Key other, ReadOnlySpan<byte> utf8) => Unescaped is null && other.Unescaped is null
            ? utf8.Slice(Start, Length).SequenceEqual(utf8.Slice(other.Start, other.Length))
            : string.Equals(Text(utf8), other.Text(utf8), StringComparison.Ordinal);
    }
}
