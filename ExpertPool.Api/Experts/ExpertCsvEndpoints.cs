using System.Security.Claims;
using ExpertPool.Api.Security;
using ExpertPool.Domain.Common;
using ExpertPool.Domain.Experts.Csv;
using ExpertPool.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace ExpertPool.Api.Experts;

public sealed record CsvImportResponse(int Imported);

public static class ExpertCsvEndpoints
{
    public static RouteGroupBuilder MapExpertCsv(this RouteGroupBuilder experts)
    {
        experts.MapPost("/import", ImportExperts).WithName(nameof(ImportExperts)).RequireAuthorization(Policies.Admin).DisableAntiforgery()
            .Accepts<IFormFile>("multipart/form-data", "text/csv", "application/octet-stream");
        experts.MapGet("/export.csv", ExportExperts).WithName(nameof(ExportExperts));
        return experts;
    }

    /// <summary>
    /// All or nothing: the body is a CSV file (text/csv) or a multipart form with one file. Any bad row → 400 listing
    /// every bad row with line, column and reason; nothing is written.
    /// </summary>
    public static async Task<Results<Ok<CsvImportResponse>, ValidationProblem>> ImportExperts(
        HttpRequest request, ExpertCsvImporter importer, ClaimsPrincipal user, CancellationToken ct)
    {
        Stream body;
        if (request.HasFormContentType)
        {
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(ct);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException)
            {
                throw new DomainValidationException("file", "上传内容无法解析 / the multipart body could not be read");
            }
            var file = form.Files.Count == 1 ? form.Files[0] : throw new DomainValidationException("file", "请上传一个CSV文件 / send exactly one CSV file");
            body = file.OpenReadStream();
        }
        else
        {
            body = request.Body;
        }
        await using (body)
        {
            var result = await importer.ImportAsync(body, user.Actor(), ct);
            if (result.Succeeded)
                return TypedResults.Ok(new CsvImportResponse(result.ImportedCount));
            var errors = result.Errors
                .GroupBy(e => e.Line is null ? "file" : e.Column is null ? $"line {e.Line}" : $"line {e.Line}: {e.Column}")
                .ToDictionary(g => g.Key, g => g.Select(e => e.Reason).ToArray());
            return TypedResults.ValidationProblem(
                errors,
                title: $"导入失败：{result.RowCount} 行中有 {result.Errors.Count} 处问题，未写入任何数据 / Nothing was imported: {result.Errors.Count} problem(s) in {result.RowCount} row(s)",
                extensions: new Dictionary<string, object?> { ["rowErrors"] = result.Errors, ["rowCount"] = result.RowCount });
        }
    }

    /// <summary>The filtered list as CSV (UTF-8 with BOM). Personal data masked unless an administrator asks for it.</summary>
    public static async Task<Results<EmptyHttpResult, ProblemHttpResult>> ExportExperts(
        HttpContext http, ExpertPoolDbContext db, ExpertCsvExporter exporter, ClaimsPrincipal user,
        string? specialty, string? region, string? status, string? titleGrade, string? q,
        bool? includePersonalData, [FromQuery(Name = "lang")] string? language, CancellationToken ct)
    {
        var full = includePersonalData == true;
        if (full && !user.SeesPersonalData())
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "仅管理员可导出完整个人信息 / Only administrators may export personal data");
        var lang = string.IsNullOrWhiteSpace(language) ? "zh" : language.Trim().ToLowerInvariant();
        if (lang is not ("zh" or "en"))
            throw new DomainValidationException("lang", "须为 zh 或 en / must be zh or en");
        var (filter, _, _) = ExpertsEndpoints.ReadFilter(specialty, region, status, titleGrade, q, null, null);
        var query = await filter.ApplyAsync(db, db.Experts.AsNoTracking(), ct);
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"experts-{DateTime.UtcNow:yyyyMMdd}.csv\"";
        await exporter.WriteAsync(query.OrderBy(e => e.Id), http.Response.Body, full, lang, ct);
        return TypedResults.Empty;
    }
}
