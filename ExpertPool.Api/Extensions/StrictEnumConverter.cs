using System.Text.Json;
using System.Text.Json.Serialization;

namespace ExpertPool.Api.Extensions;

/// <summary>
/// Enums as their names, and one name only. <see cref="JsonStringEnumConverter"/> reads <c>"Director, Supervisor"</c>
/// as the bitwise OR of the two values for any enum, flags or not; the result is usually another defined value
/// (<c>ControllingShareholder</c>), which every later <c>Enum.IsDefined</c> check accepts. None of the API's enums is a
/// set of flags, so a list is refused as a value the field cannot take.
/// </summary>
internal sealed class StrictEnumConverter : JsonConverterFactory
{
    private readonly JsonStringEnumConverter _names = new(allowIntegerValues: false);

    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(OneName<>).MakeGenericType(typeToConvert), _names.CreateConverter(typeToConvert, options))!;

    private sealed class OneName<T>(JsonConverter names) : JsonConverter<T>
        where T : struct, Enum
    {
        private readonly JsonConverter<T> _names = (JsonConverter<T>)names;

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            // The message is the one the serializer itself gives for an unknown name, so the problem document names the
            // values the field may take.
            if (reader.TokenType == JsonTokenType.String && reader.GetString()!.Contains(',', StringComparison.Ordinal))
                throw new JsonException($"The JSON value could not be converted to {typeof(T).FullName}.");
            return _names.Read(ref reader, typeToConvert, options);
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => _names.Write(writer, value, options);
    }
}
