using ExpertPool.Domain.Common;

namespace ExpertPool.Tests.Domain;

public sealed class PersonalDataTests
{
    [Theory]
    [InlineData("13812345678", "138****5678")]
    [InlineData("0571-88881234", "057******1234")]
    [InlineData("88881234", "******34")]
    [InlineData("123456", "****56")]
    [InlineData("12345", "*****")]
    [InlineData("", "")]
    public void MaskPhone_HidesMostOfTheNumber(string phone, string masked) => PersonalData.MaskPhone(phone).Should().Be(masked);

    [Theory]
    [InlineData("Zhang.Wei@example.com", "Z***@example.com")]
    [InlineData("abc@x.cn", "a***@x.cn")]
    [InlineData("ab@x.cn", "***@x.cn")]
    [InlineData("a@x.cn", "***@x.cn")]
    [InlineData("no-at-sign", "***")]
    public void MaskEmail_KeepsOnlyTheFirstCharacterOfALongerLocalPart(string email, string masked) => PersonalData.MaskEmail(email).Should().Be(masked);

    [Theory]
    [InlineData("5.1.1 <li.si@example.cn>: Recipient address rejected", "5.1.1 <l***@example.cn>: Recipient address rejected")]
    [InlineData("to zhang+review@mail.example.com.cn and ab@x.cn.", "to z***@mail.example.com.cn and ***@x.cn.")]
    [InlineData("wang@示例.中国 拒收", "w***@示例.中国 拒收")]
    [InlineData("no address here: 550 mailbox full", "no address here: 550 mailbox full")]
    [InlineData("", "")]
    public void MaskEmailsIn_MasksEveryAddressInAFreeText(string text, string masked) => PersonalData.MaskEmailsIn(text).Should().Be(masked);

    [Theory]
    [InlineData("推荐人李主任 13812345678", "推荐人李主任 138****5678")]
    [InlineData("推荐人王五邮箱wangwu@example.com，电话13812345678", "推荐人王五邮箱w***@example.com，电话138****5678")]
    [InlineData("电话 138-1234-5678 或 +8613912345678。", "电话 138******5678 或 +86*******5678。")]
    [InlineData("身份证 33010219700101123X，邮箱 zhang.san@example.cn", "身份证 330102***********X，邮箱 z***@example.cn")]
    [InlineData("编号 2026120400001 与 订单 1381234567890 不是电话", "编号 2026120400001 与 订单 1381234567890 不是电话")]
    [InlineData("从事检验 12 年", "从事检验 12 年")]
    [InlineData("全角 １３８１２３４５６７８", "全角 138****5678")]
    [InlineData("身份证 ３３０１０２１９７００１０１１２３Ｘ", "身份证 330102***********X")]
    [InlineData("零宽 138\u200b1234\u200b5678 与 138\u20601234\uFEFF5678", "零宽 138****5678 与 138****5678")]
    [InlineData("点分 138.1234.5678，括号 (138)12345678，全角括号 （１３８）１２３４５６７８", "点分 138******5678，括号 (13******5678，全角括号 (13******5678")]
    [InlineData("分组 330102 19700101 123X", "分组 330102*************X")]
    [InlineData("第２０２６３２０期，零宽\u200b无号码", "第２０２６３２０期，零宽\u200b无号码")]
    public void MaskIn_MasksEmailsMobilesAndIdNumbersInAFreeText(string text, string masked) => PersonalData.MaskIn(text).Should().Be(masked);
}
