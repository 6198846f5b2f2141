using System.Globalization;
using CsvHelper;
using ExpertPool.Domain.Common;
using Microsoft.EntityFrameworkCore;

namespace ExpertPool.Domain.Experts.Csv;

/// <summary>
/// Streams experts as CSV in the column set of <see cref="ExpertCsvColumns"/>, UTF-8 with a byte order mark so Excel
/// shows Chinese. ID numbers, phones and emails are masked unless the caller may see personal data; an unmasked export
/// can be imported again.
/// </summary>
public sealed class ExpertCsvExporter
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "An instance, like ExpertCsvImporter, so hosts can register and inject it.")]
    public async Task WriteAsync(IQueryable<Expert> experts, Stream output, bool includePersonalData, string headerLanguage, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(experts);
        ArgumentNullException.ThrowIfNull(output);
        var chinese = headerLanguage switch
        {
            "zh" => true,
            "en" => false,
            _ => throw new ArgumentException("headerLanguage must be \"zh\" or \"en\".", nameof(headerLanguage)),
        };

        var options = CsvWriterOptions.Default with
        {
            Separator = ',',
            WriteByteOrderMark = true,
            // The free-text columns are guarded one by one (see ExpertCsvColumns.GuardFormula): a global rule would also
            // prefix phone numbers such as +86 138 0000 0000.
            Injection = CsvInjection.None,
        };
        await using var csv = CsvWriter.Create(output, options, leaveOpen: true);
        foreach (var column in ExpertCsvColumns.All)
            csv.WriteField(chinese ? column.Chinese : column.English);
        await csv.EndRecordAsync(ct);

        var query = experts
            .AsNoTracking()
            .Include(e => e.Employer)
            .Include(e => e.Specialties).ThenInclude(s => s.Specialty)
            .AsSingleQuery()
            .AsAsyncEnumerable()
            .WithCancellation(ct);
        await foreach (var e in query)
        {
            foreach (var column in ExpertCsvColumns.All)
            {
                var value = Value(e, column.Field, includePersonalData, chinese);
                csv.WriteField(column.FreeText ? ExpertCsvColumns.GuardFormula(value) : value);
            }
            await csv.EndRecordAsync(ct);
        }
        await csv.FlushAsync(ct);
    }

    private static string Value(Expert e, ExpertCsvField field, bool personal, bool chinese) => field switch
    {
        ExpertCsvField.Id => e.Id.ToString(),
        ExpertCsvField.Name => e.Name,
        ExpertCsvField.IdNumber => personal ? e.IdNumber : ChineseIdNumber.Mask(e.IdNumber),
        ExpertCsvField.Gender => e.Gender switch
        {
            Gender.Male => chinese ? "男" : "Male",
            Gender.Female => chinese ? "女" : "Female",
            _ => "",
        },
        ExpertCsvField.EmployerName => e.Employer?.Name ?? "",
        ExpertCsvField.EmployerCreditCode => e.Employer?.CreditCode ?? "",
        ExpertCsvField.Title => e.Title,
        ExpertCsvField.TitleGrade => chinese ? ExpertVocabulary.Label(e.TitleGrade) : e.TitleGrade.ToString(),
        ExpertCsvField.SpecialtyCodes => string.Join(';', e.Specialties.Select(s => s.Specialty?.Code ?? "").Order(StringComparer.Ordinal)),
        ExpertCsvField.RegionCode => e.RegionCode,
        ExpertCsvField.Email => personal ? e.Email : PersonalData.MaskEmail(e.Email),
        ExpertCsvField.Phone => personal ? e.Phone : PersonalData.MaskPhone(e.Phone),
        ExpertCsvField.PreferredLanguage => e.PreferredLanguage,
        ExpertCsvField.JoinChannel => chinese ? JoinChannelLabel(e.JoinChannel) : e.JoinChannel.ToString(),
        ExpertCsvField.TermStart => e.TermStart?.ToString(ExpertCsvColumns.DateFormat, CultureInfo.InvariantCulture) ?? "",
        ExpertCsvField.TermEnd => e.TermEnd?.ToString(ExpertCsvColumns.DateFormat, CultureInfo.InvariantCulture) ?? "",
        ExpertCsvField.Status => chinese ? ExpertVocabulary.Label(e.Status) : e.Status.ToString(),
        _ => "",
    };

    private static string JoinChannelLabel(JoinChannel channel) => channel switch
    {
        JoinChannel.EmployerRecommendation => "单位推荐",
        _ => "个人申请",
    };
}
