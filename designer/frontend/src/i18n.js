// The designer's own texts, and bpmn-js / properties-panel texts, in fa and ro. Keys are the
// English texts (bpmn-js's translate convention); a missing key shows the English text.
import * as forms from './forms/texts';
import { HISTORY_TEXTS } from './history-words';
import { translator } from './translator';

const fa = {
  'Cartable item title': 'عنوان کارهای کارتابل',
  'Title of each cartable item, with variables as ${name}, e.g. Invoice ${number} — ${customer}': 'عنوان هر کار کارتابل، با متغیرها به شکل ${name}، مثلاً فاکتور ${number} — ${customer}',
  // toolbar, status, problems
  'Save': 'ذخیره', 'Validate': 'بررسی', 'Deploy': 'استقرار', 'Start instance': 'شروع نمونه',
  'Import': 'وارد کردن', 'Export .bpmn': 'خروجی ‎.bpmn', 'Export .svg': 'خروجی ‎.svg', 'Export .png': 'خروجی ‎.png',
  'Version': 'نسخه', 'Heat': 'نقشهٔ حرارتی', 'Problems': 'مشکلات', 'No problems': 'مشکلی نیست',
  'Loading…': 'در حال بارگذاری…', 'Saved version {version}': 'نسخهٔ {version} ذخیره شد',
  'Saving…': 'در حال ذخیره…', 'No changes to save': 'تغییری برای ذخیره نیست', 'Validating…': 'در حال بررسی…', 'Deploying…': 'در حال استقرار…',
  'Deployed version {version}': 'نسخهٔ {version} مستقر شد',
  'Deploy refused: {count} error(s) to fix': 'استقرار رد شد: {count} خطا باید رفع شود',
  'Valid: no errors': 'معتبر: بدون خطا', '{errors} error(s), {warnings} warning(s)': '{errors} خطا، {warnings} هشدار',
  'Instance started': 'نمونه شروع شد', 'Open instance {id}': 'باز کردن نمونهٔ {id}',
  'Save the diagram first': 'ابتدا نمودار را ذخیره کنید', 'Imported {name}': '{name} وارد شد',
  'Could not import: {message}': 'وارد کردن ممکن نشد: {message}', 'Error: {message}': 'خطا: {message}',
  'Unsaved changes': 'تغییرات ذخیره‌نشده', 'new diagram': 'نمودار جدید', 'deployed': 'مستقر',
  'latest': 'آخرین', 'Drop a .bpmn file to import it': 'یک فایل ‎.bpmn رها کنید تا وارد شود',
  'error': 'خطا', 'warning': 'هشدار', 'Process list': 'فهرست فرایندها', 'Heat: {count} active instance(s)': 'حرارت: {count} نمونهٔ فعال',
  'History': 'تاریخچه', 'Time': 'زمان', 'Event': 'رویداد', 'Element': 'عنصر', 'User': 'کاربر', 'Action': 'اقدام',
  'Status': 'وضعیت', 'Instance {id}': 'نمونهٔ {id}', 'running': 'در جریان', 'completed': 'پایان‌یافته',
  'cancelled': 'لغوشده', 'Open in designer': 'باز کردن در طراح', 'Open work items': 'کارهای باز',
  'Restart': 'شروع دوباره',
  // Charkh properties
  'Responsible': 'مسئول', 'Assignee (user)': 'کاربر مسئول', 'Candidate groups': 'گروه‌های مسئول',
  'Roles (positions)': 'سمت‌ها', 'Due date': 'مهلت', 'Escalate after': 'ارجاع به بالاتر پس از',
  'Escalate to': 'ارجاع به', 'Superior of the role': 'مافوق سمت', '(none)': '(هیچ)', 'User: {name}': 'کاربر: {name}',
  'Group: {name}': 'گروه: {name}', 'reports to {name}': 'زیر نظر {name}',
  'ISO 8601 duration (P2D, PT4H), a date (2025-01-31) or an expression': 'مدت ISO 8601 ‏(P2D، PT4H)، تاریخ (2025-01-31) یا عبارت',
  'ISO 8601 duration, e.g. PT4H or P2D': 'مدت ISO 8601، مثلاً PT4H یا P2D',
  'Not an ISO 8601 duration or date': 'مدت یا تاریخ ISO 8601 نیست', 'Not an ISO 8601 duration': 'مدت ISO 8601 نیست',
  'Actions': 'اقدام‌ها', 'Label': 'برچسب', 'Order': 'ترتیب', 'Required fields': 'فیلدهای الزامی',
  'Comma-separated form fields the person must fill': 'فیلدهای فرم (با ویرگول) که باید پر شوند',
  'Must be a whole number': 'باید عدد صحیح باشد', 'to {name}': 'به {name}',
  'Trigger': 'آغازگر', 'Entity': 'موجودیت', 'Start on': 'شروع هنگام', 'Manual or API only': 'فقط دستی یا با API',
  'Record created': 'ایجاد رکورد', 'Record updated': 'ویرایش رکورد', 'Schedule': 'زمان‌بندی', 'Macro button': 'دکمهٔ ماکرو',
  'Run': 'اجرا', 'Only the first time the conditions are true': 'فقط نخستین بار که شرایط برقرار شود',
  'Every time the conditions are true': 'هر بار که شرایط برقرار باشد',
  'Hourly': 'هر ساعت', 'Daily': 'روزانه', 'Weekly': 'هفتگی', 'Monthly': 'ماهانه', 'Yearly': 'سالانه', 'Cron expression': 'عبارت cron',
  'Custom (cron)': 'سفارشی (cron)', 'minute hour day month weekday, e.g. 0 9 * * 1-5': 'دقیقه ساعت روز ماه روزهفته، مثلاً 0 9 * * 1-5',
  'Conditions': 'شرایط', 'Match': 'تطابق', 'All conditions (AND)': 'همهٔ شرایط (و)', 'Any condition (OR)': 'هر یک از شرایط (یا)',
  'Field': 'فیلد', 'Operator': 'عملگر', 'Value': 'مقدار', 'Condition': 'شرط', 'Choose the entity first': 'ابتدا موجودیت را انتخاب کنید',
  'equals': 'برابر است با', 'not equals': 'برابر نیست با', 'contains': 'شامل', 'starts with': 'شروع می‌شود با',
  'is empty': 'خالی است', 'is not empty': 'خالی نیست', 'between': 'بین', 'before': 'قبل از', 'after': 'بعد از', 'on': 'در تاریخ',
  'within last N days': 'در N روز گذشته', 'is': 'هست', 'is not': 'نیست', 'is one of': 'یکی از', 'is checked': 'تیک خورده',
  'not checked': 'تیک نخورده', 'min,max': 'کمینه,بیشینه', 'Two numbers: min,max': 'دو عدد: کمینه,بیشینه', 'Must be a number': 'باید عدد باشد', 'Comma-separated options': 'گزینه‌ها با ویرگول',
  'Visibility': 'نمایانی', 'Public': 'عمومی', 'Private (access list on the process list page)': 'خصوصی (فهرست دسترسی در صفحهٔ فرایندها)',
  'Insert field': 'درج فیلد', 'Into': 'در', 'Record field': 'فیلد رکورد', 'Insert': 'درج',
  'Set the trigger entity on the process to list its fields': 'برای دیدن فیلدها، موجودیت آغازگر فرایند را تعیین کنید',
  // bpmn-js palette, context pad, popup menu
  'Activate hand tool': 'ابزار دست', 'Activate lasso tool': 'ابزار کمند', 'Activate create/remove space tool': 'ابزار ایجاد/حذف فضا',
  'Activate global connect tool': 'ابزار اتصال', 'Create start event': 'ایجاد رویداد شروع', 'Create end event': 'ایجاد رویداد پایان',
  'Create intermediate/boundary event': 'ایجاد رویداد میانی/مرزی', 'Create gateway': 'ایجاد درگاه', 'Create task': 'ایجاد وظیفه',
  'Create data object reference': 'ایجاد شیء داده', 'Create data store reference': 'ایجاد مخزن داده',
  'Create expanded sub-process': 'ایجاد زیرفرایند باز', 'Create pool/participant': 'ایجاد استخر/مشارکت‌کننده',
  'Create group': 'ایجاد گروه', 'Append end event': 'افزودن رویداد پایان', 'Append gateway': 'افزودن درگاه',
  'Append task': 'افزودن وظیفه', 'Append intermediate/boundary event': 'افزودن رویداد میانی/مرزی',
  'Append text annotation': 'افزودن یادداشت', 'Add text annotation': 'افزودن یادداشت', 'Change element': 'تغییر نوع',
  'Change type': 'تغییر نوع', 'Delete': 'حذف', 'Remove': 'حذف', 'Connect using sequence/message flow or association': 'اتصال با جریان یا ارتباط',
  'Connect using association': 'اتصال با ارتباط', 'Connect using data input association': 'اتصال با ارتباط ورودی داده',
  'Connect to other element': 'اتصال به عنصر دیگر', 'Add lane above': 'افزودن مسیر بالا', 'Add lane below': 'افزودن مسیر پایین',
  'Divide into two lanes': 'تقسیم به دو مسیر', 'Divide into three lanes': 'تقسیم به سه مسیر', 'Append element': 'افزودن عنصر',
  'Create element': 'ایجاد عنصر', 'Search in diagram': 'جستجو در نمودار', 'Toggle minimap': 'نمایش/پنهان نقشهٔ کوچک',
  'Task': 'وظیفه', 'User task': 'وظیفهٔ کاربر (کارتابل)', 'Service task': 'وظیفهٔ سرویس (فعالیت)', 'Script task': 'وظیفهٔ اسکریپت',
  'Send task': 'وظیفهٔ ارسال', 'Receive task': 'وظیفهٔ دریافت', 'Manual task': 'وظیفهٔ دستی', 'Business rule task': 'وظیفهٔ قاعدهٔ کسب‌وکار',
  'Call activity': 'فراخوانی فرایند', 'Sub-process (collapsed)': 'زیرفرایند (بسته)', 'Sub-process (expanded)': 'زیرفرایند (باز)',
  'Start event': 'رویداد شروع', 'End event': 'رویداد پایان', 'Exclusive gateway': 'درگاه انحصاری', 'Parallel gateway': 'درگاه موازی',
  'Inclusive gateway': 'درگاه فراگیر', 'Event-based gateway': 'درگاه رویدادمحور', 'Timer start event': 'رویداد شروع زمانی',
  'Timer intermediate catch event': 'رویداد میانی زمانی', 'Message start event': 'رویداد شروع پیام',
  'Intermediate throw event': 'رویداد میانی پرتابی', 'Terminate end event': 'رویداد پایان قطعی',
  // properties panel
  'General': 'عمومی', 'Name': 'نام', 'ID': 'شناسه', 'Documentation': 'مستندات', 'Element documentation': 'مستندات عنصر',
  'Process documentation': 'مستندات فرایند', 'User assignment': 'تخصیص کاربر', 'Assignee': 'مسئول', 'Candidate users': 'کاربران نامزد',
  'Follow up date': 'تاریخ پیگیری', 'Priority': 'اولویت', 'Forms': 'فرم‌ها', 'Inputs': 'ورودی‌ها', 'Outputs': 'خروجی‌ها',
  'Timer': 'زمان‌سنج', 'Type': 'نوع', 'Implementation': 'پیاده‌سازی', 'Template': 'الگو', 'Select': 'انتخاب',
  'Execution listeners': 'شنونده‌های اجرا', 'Extension properties': 'ویژگی‌های افزوده', 'Asynchronous continuations': 'ادامهٔ ناهمگام',
  'Job execution': 'اجرای کار', 'Version tag': 'برچسب نسخه', 'Executable': 'قابل اجرا', 'Called element': 'عنصر فراخوانده',
  'Script': 'اسکریپت', 'Format': 'قالب', 'Details': 'جزئیات', 'Multi-instance': 'چندنمونه‌ای', 'Message': 'پیام',
  'Connector inputs': 'ورودی‌های رابط', 'Connector outputs': 'خروجی‌های رابط', 'Connector': 'رابط', 'Connector ID': 'شناسهٔ رابط',
  'Date': 'تاریخ', 'Duration': 'مدت', 'Cycle': 'چرخه', 'Create': 'ایجاد', 'Apply': 'اعمال', 'Unlink': 'جدا کردن', 'Update': 'به‌روزرسانی',
  'Process': 'فرایند', 'Participant': 'مشارکت‌کننده', 'Lane': 'مسیر', 'Sequence flow': 'جریان ترتیبی',
  'Open minimap': 'نمایش نقشهٔ کوچک', 'Close minimap': 'بستن نقشهٔ کوچک', 'Toggle linting overlays': 'نمایش/پنهان نتایج بررسی',
  'Issues for child elements': 'مشکلات عناصر فرزند', 'Element is missing label/name': 'عنصر برچسب/نام ندارد',
  'Process is missing start event': 'فرایند رویداد شروع ندارد', 'Process is missing end event': 'فرایند رویداد پایان ندارد',
  'Element is not connected': 'عنصر وصل نیست', 'Applied': 'اعمال‌شده',
  // bpmn-js-bpmnlint's toggle button
  'No Issues': 'بدون مشکل', '{errors} Errors, {warnings} Warnings': '{errors} خطا، {warnings} هشدار',
  // element templates: names (the panel header shows them), groups, fields, choices
  'Send SMS': 'ارسال پیامک', 'Send email': 'ارسال ایمیل', 'Send email with PDF': 'ارسال ایمیل با PDF', 'Send fax': 'ارسال فکس',
  'Create PDF document': 'ساخت سند PDF', 'Update record': 'ویرایش رکورد', 'Call webhook': 'فراخوانی وب‌هوک',
  'Create calendar task': 'ساخت کار تقویم', 'Connector settings': 'تنظیمات رابط',
  'Recipients': 'گیرندگان', 'Recipient': 'گیرنده', 'Addresses': 'نشانی‌ها', 'PDF attachment': 'پیوست PDF',
  'Document': 'سند', 'Filing': 'بایگانی', 'Result': 'نتیجه', 'Record': 'رکورد', 'Changes': 'تغییرات', 'Request': 'درخواست',
  'Response': 'پاسخ', 'Owner': 'مالک', 'Dates': 'تاریخ‌ها',
  'Text': 'متن', 'Sender line': 'خط ارسال‌کننده', 'From': 'از', 'Reply to': 'پاسخ به', 'To': 'به', 'Cc': 'رونوشت', 'Bcc': 'رونوشت پنهان',
  'Subject': 'موضوع', 'Body': 'متن نامه', 'Attachment name': 'نام پیوست', 'PDF template': 'الگوی PDF', 'PDF language': 'زبان PDF',
  'Fax number': 'شمارهٔ فکس', 'Document template': 'الگوی سند', 'Cover text': 'متن روی جلد', 'Language': 'زبان', 'Folder': 'پوشه',
  'File name': 'نام فایل', 'Document id variable': 'متغیر شناسهٔ سند', 'Value kind': 'نوع مقدار', 'Fields': 'فیلدها',
  'URL': 'نشانی (URL)', 'Method': 'روش', 'Headers': 'سرآیندها', 'Timeout (seconds)': 'مهلت (ثانیه)', 'Response variable': 'متغیر پاسخ',
  'Title': 'عنوان', 'Description': 'توضیح', 'Owner user': 'کاربر مالک', 'Owner group': 'گروه مالک', 'Start': 'شروع', 'Due': 'سررسید',
  'Base date': 'تاریخ مبنا', 'Notify the owner': 'آگاه‌سازی مالک',
  'English': 'انگلیسی', 'Persian': 'فارسی', 'Romanian': 'رومانیایی', 'Plain text': 'متن ساده', 'HTML': 'HTML',
  'Not started': 'شروع‌نشده', 'In progress': 'در جریان', 'Waiting': 'در انتظار', 'Done': 'انجام‌شده', 'Low': 'کم', 'Normal': 'عادی',
  'High': 'زیاد', 'Urgent': 'فوری', 'Yes': 'بله', 'No': 'خیر', 'Expression': 'عبارت', 'Field template': 'الگوی فیلد', 'Raw text': 'متن خام'
};

const ro = {
  'Cartable item title': 'Titlul elementelor din cartabil',
  'Title of each cartable item, with variables as ${name}, e.g. Invoice ${number} — ${customer}': 'Titlul fiecărui element din cartabil, cu variabile ca ${name}, de ex. Factura ${number} — ${customer}',
  'Save': 'Salvează', 'Validate': 'Validează', 'Deploy': 'Publică', 'Start instance': 'Pornește o instanță',
  'Import': 'Importă', 'Export .bpmn': 'Exportă .bpmn', 'Export .svg': 'Exportă .svg', 'Export .png': 'Exportă .png',
  'Version': 'Versiune', 'Heat': 'Hartă de activitate', 'Problems': 'Probleme', 'No problems': 'Nicio problemă',
  'Loading…': 'Se încarcă…', 'Saved version {version}': 'Versiunea {version} a fost salvată', 'Saving…': 'Se salvează…', 'No changes to save': 'Nicio modificare de salvat',
  'Validating…': 'Se validează…', 'Deploying…': 'Se publică…', 'Deployed version {version}': 'Versiunea {version} a fost publicată',
  'Deploy refused: {count} error(s) to fix': 'Publicare refuzată: {count} erori de corectat', 'Valid: no errors': 'Valid: nicio eroare',
  '{errors} error(s), {warnings} warning(s)': '{errors} erori, {warnings} avertismente', 'Instance started': 'Instanță pornită',
  'Open instance {id}': 'Deschide instanța {id}', 'Save the diagram first': 'Salvați mai întâi diagrama', 'Imported {name}': '{name} importat',
  'Could not import: {message}': 'Import eșuat: {message}', 'Error: {message}': 'Eroare: {message}', 'Unsaved changes': 'Modificări nesalvate',
  'new diagram': 'diagramă nouă', 'deployed': 'publicată', 'latest': 'ultima', 'Drop a .bpmn file to import it': 'Plasați un fișier .bpmn pentru import',
  'error': 'eroare', 'warning': 'avertisment', 'Process list': 'Lista proceselor', 'Heat: {count} active instance(s)': 'Activitate: {count} instanțe active',
  'History': 'Istoric', 'Time': 'Ora', 'Event': 'Eveniment', 'Element': 'Element', 'User': 'Utilizator', 'Action': 'Acțiune', 'Status': 'Stare',
  'Instance {id}': 'Instanța {id}', 'running': 'în execuție', 'completed': 'finalizată', 'cancelled': 'anulată',
  'Open in designer': 'Deschide în designer', 'Open work items': 'Sarcini deschise', 'Restart': 'Repornește',
  'Responsible': 'Responsabil', 'Assignee (user)': 'Utilizator responsabil', 'Candidate groups': 'Grupuri responsabile',
  'Roles (positions)': 'Roluri (funcții)', 'Due date': 'Termen', 'Escalate after': 'Escaladează după', 'Escalate to': 'Escaladează către',
  'Superior of the role': 'Superiorul rolului', '(none)': '(niciunul)', 'User: {name}': 'Utilizator: {name}', 'Group: {name}': 'Grup: {name}',
  'reports to {name}': 'subordonat lui {name}',
  'ISO 8601 duration (P2D, PT4H), a date (2025-01-31) or an expression': 'Durată ISO 8601 (P2D, PT4H), o dată (2025-01-31) sau o expresie',
  'ISO 8601 duration, e.g. PT4H or P2D': 'Durată ISO 8601, de ex. PT4H sau P2D', 'Not an ISO 8601 duration or date': 'Nu este o durată sau dată ISO 8601',
  'Not an ISO 8601 duration': 'Nu este o durată ISO 8601', 'Actions': 'Acțiuni', 'Label': 'Etichetă', 'Order': 'Ordine',
  'Required fields': 'Câmpuri obligatorii', 'Comma-separated form fields the person must fill': 'Câmpurile formularului (separate prin virgulă) de completat',
  'Must be a whole number': 'Trebuie să fie un număr întreg', 'to {name}': 'către {name}',
  'Trigger': 'Declanșator', 'Entity': 'Entitate', 'Start on': 'Pornește la', 'Manual or API only': 'Doar manual sau prin API',
  'Record created': 'Înregistrare creată', 'Record updated': 'Înregistrare modificată', 'Schedule': 'Planificare', 'Macro button': 'Buton macro',
  'Run': 'Rulează', 'Only the first time the conditions are true': 'Doar prima dată când condițiile sunt adevărate',
  'Every time the conditions are true': 'De fiecare dată când condițiile sunt adevărate', 'Hourly': 'Orar', 'Daily': 'Zilnic',
  'Weekly': 'Săptămânal', 'Monthly': 'Lunar', 'Yearly': 'Anual', 'Cron expression': 'Expresie cron', 'Custom (cron)': 'Personalizat (cron)',
  'minute hour day month weekday, e.g. 0 9 * * 1-5': 'minut oră zi lună zi-a-săptămânii, de ex. 0 9 * * 1-5',
  'Conditions': 'Condiții', 'Match': 'Potrivire', 'All conditions (AND)': 'Toate condițiile (ȘI)', 'Any condition (OR)': 'Oricare condiție (SAU)',
  'Field': 'Câmp', 'Operator': 'Operator', 'Value': 'Valoare', 'Condition': 'Condiție', 'Choose the entity first': 'Alegeți mai întâi entitatea',
  'equals': 'este egal cu', 'not equals': 'nu este egal cu', 'contains': 'conține', 'starts with': 'începe cu', 'is empty': 'este gol',
  'is not empty': 'nu este gol', 'between': 'între', 'before': 'înainte de', 'after': 'după', 'on': 'pe data', 'within last N days': 'în ultimele N zile',
  'is': 'este', 'is not': 'nu este', 'is one of': 'este unul dintre', 'is checked': 'este bifat', 'not checked': 'nu este bifat',
  'min,max': 'min,max', 'Two numbers: min,max': 'Două numere: min,max', 'Must be a number': 'Trebuie să fie un număr',
  'Comma-separated options': 'Opțiuni separate prin virgulă', 'Visibility': 'Vizibilitate', 'Public': 'Public',
  'Private (access list on the process list page)': 'Privat (lista de acces pe pagina proceselor)', 'Insert field': 'Inserează câmp',
  'Into': 'În', 'Record field': 'Câmpul înregistrării', 'Insert': 'Inserează',
  'Set the trigger entity on the process to list its fields': 'Setați entitatea declanșatorului pe proces pentru a-i vedea câmpurile',
  'Activate hand tool': 'Unealta mână', 'Activate lasso tool': 'Unealta lasou', 'Activate create/remove space tool': 'Unealta de creare/eliminare spațiu',
  'Activate global connect tool': 'Unealta de conectare', 'Create start event': 'Creează eveniment de start', 'Create end event': 'Creează eveniment de final',
  'Create intermediate/boundary event': 'Creează eveniment intermediar/de limită', 'Create gateway': 'Creează poartă', 'Create task': 'Creează sarcină',
  'Create data object reference': 'Creează obiect de date', 'Create data store reference': 'Creează depozit de date',
  'Create expanded sub-process': 'Creează subproces extins', 'Create pool/participant': 'Creează bazin/participant', 'Create group': 'Creează grup',
  'Append end event': 'Adaugă eveniment de final', 'Append gateway': 'Adaugă poartă', 'Append task': 'Adaugă sarcină',
  'Append intermediate/boundary event': 'Adaugă eveniment intermediar/de limită', 'Append text annotation': 'Adaugă adnotare',
  'Add text annotation': 'Adaugă adnotare', 'Change element': 'Schimbă elementul', 'Change type': 'Schimbă tipul', 'Delete': 'Șterge', 'Remove': 'Elimină',
  'Connect using sequence/message flow or association': 'Conectează prin flux sau asociere', 'Connect using association': 'Conectează prin asociere',
  'Connect using data input association': 'Conectează prin asociere de date', 'Connect to other element': 'Conectează la alt element',
  'Add lane above': 'Adaugă culoar deasupra', 'Add lane below': 'Adaugă culoar dedesubt', 'Divide into two lanes': 'Împarte în două culoare',
  'Divide into three lanes': 'Împarte în trei culoare', 'Append element': 'Adaugă element', 'Create element': 'Creează element',
  'Search in diagram': 'Caută în diagramă', 'Toggle minimap': 'Comută mini-harta', 'Task': 'Sarcină', 'User task': 'Sarcină utilizator',
  'Service task': 'Sarcină de serviciu', 'Script task': 'Sarcină script', 'Send task': 'Sarcină de trimitere', 'Receive task': 'Sarcină de primire',
  'Manual task': 'Sarcină manuală', 'Business rule task': 'Sarcină regulă de business', 'Call activity': 'Apel de activitate',
  'Sub-process (collapsed)': 'Subproces (restrâns)', 'Sub-process (expanded)': 'Subproces (extins)', 'Start event': 'Eveniment de start',
  'End event': 'Eveniment de final', 'Exclusive gateway': 'Poartă exclusivă', 'Parallel gateway': 'Poartă paralelă', 'Inclusive gateway': 'Poartă inclusivă',
  'Event-based gateway': 'Poartă bazată pe evenimente', 'Timer start event': 'Eveniment de start temporizat',
  'Timer intermediate catch event': 'Eveniment intermediar temporizat', 'Message start event': 'Eveniment de start cu mesaj',
  'Intermediate throw event': 'Eveniment intermediar de aruncare', 'Terminate end event': 'Eveniment de terminare',
  'General': 'General', 'Name': 'Nume', 'ID': 'ID', 'Documentation': 'Documentație', 'Element documentation': 'Documentația elementului',
  'Process documentation': 'Documentația procesului', 'User assignment': 'Atribuire utilizator', 'Assignee': 'Responsabil',
  'Candidate users': 'Utilizatori candidați', 'Follow up date': 'Dată de urmărire', 'Priority': 'Prioritate', 'Forms': 'Formulare',
  'Inputs': 'Intrări', 'Outputs': 'Ieșiri', 'Timer': 'Temporizator', 'Type': 'Tip', 'Implementation': 'Implementare', 'Template': 'Șablon',
  'Select': 'Alege', 'Execution listeners': 'Ascultători de execuție', 'Extension properties': 'Proprietăți de extensie',
  'Asynchronous continuations': 'Continuări asincrone', 'Job execution': 'Execuția jobului', 'Version tag': 'Etichetă de versiune',
  'Executable': 'Executabil', 'Called element': 'Element apelat', 'Script': 'Script', 'Format': 'Format', 'Details': 'Detalii',
  'Multi-instance': 'Instanțe multiple', 'Message': 'Mesaj', 'Connector inputs': 'Intrările conectorului', 'Connector outputs': 'Ieșirile conectorului',
  'Connector': 'Conector', 'Connector ID': 'ID conector', 'Date': 'Dată', 'Duration': 'Durată', 'Cycle': 'Ciclu', 'Create': 'Creează',
  'Apply': 'Aplică', 'Unlink': 'Dezleagă', 'Update': 'Actualizează', 'Process': 'Proces', 'Participant': 'Participant', 'Lane': 'Culoar',
  'Sequence flow': 'Flux de secvență',
  'Open minimap': 'Deschide mini-harta', 'Close minimap': 'Închide mini-harta', 'Toggle linting overlays': 'Comută rezultatele validării',
  'Issues for child elements': 'Probleme ale elementelor copil', 'Element is missing label/name': 'Elementului îi lipsește eticheta/numele',
  'Process is missing start event': 'Procesului îi lipsește evenimentul de start', 'Process is missing end event': 'Procesului îi lipsește evenimentul de final',
  'Element is not connected': 'Elementul nu este conectat', 'Applied': 'Aplicat',
  'No Issues': 'Nicio problemă', '{errors} Errors, {warnings} Warnings': '{errors} erori, {warnings} avertismente',
  'Send SMS': 'Trimite SMS', 'Send email': 'Trimite e-mail', 'Send email with PDF': 'Trimite e-mail cu PDF', 'Send fax': 'Trimite fax',
  'Create PDF document': 'Creează document PDF', 'Update record': 'Actualizează înregistrarea', 'Call webhook': 'Apelează webhook',
  'Create calendar task': 'Creează sarcină în calendar', 'Connector settings': 'Setările conectorului',
  'Recipients': 'Destinatari', 'Recipient': 'Destinatar', 'Addresses': 'Adrese', 'PDF attachment': 'Atașament PDF',
  'Document': 'Document', 'Filing': 'Arhivare', 'Result': 'Rezultat', 'Record': 'Înregistrare', 'Changes': 'Modificări',
  'Request': 'Cerere', 'Response': 'Răspuns', 'Owner': 'Proprietar', 'Dates': 'Date calendaristice',
  'Text': 'Text', 'Sender line': 'Linia expeditorului', 'From': 'De la', 'Reply to': 'Răspuns către', 'To': 'Către', 'Cc': 'Cc', 'Bcc': 'Bcc',
  'Subject': 'Subiect', 'Body': 'Conținut', 'Attachment name': 'Numele atașamentului', 'PDF template': 'Șablon PDF',
  'PDF language': 'Limba PDF', 'Fax number': 'Număr de fax', 'Document template': 'Șablon de document', 'Cover text': 'Text de copertă',
  'Language': 'Limbă', 'Folder': 'Dosar', 'File name': 'Nume fișier', 'Document id variable': 'Variabila ID-ului documentului',
  'Value kind': 'Tipul valorii', 'Fields': 'Câmpuri', 'URL': 'URL', 'Method': 'Metodă', 'Headers': 'Antete',
  'Timeout (seconds)': 'Timp limită (secunde)', 'Response variable': 'Variabila răspunsului', 'Title': 'Titlu', 'Description': 'Descriere',
  'Owner user': 'Utilizator proprietar', 'Owner group': 'Grup proprietar', 'Start': 'Început', 'Due': 'Termen',
  'Base date': 'Data de referință', 'Notify the owner': 'Anunță proprietarul',
  'English': 'Engleză', 'Persian': 'Persană', 'Romanian': 'Română', 'Plain text': 'Text simplu', 'HTML': 'HTML',
  'Not started': 'Neînceput', 'In progress': 'În curs', 'Waiting': 'În așteptare', 'Done': 'Finalizat', 'Low': 'Scăzută',
  'Normal': 'Normală', 'High': 'Ridicată', 'Urgent': 'Urgentă', 'Yes': 'Da', 'No': 'Nu', 'Expression': 'Expresie',
  'Field template': 'Șablon de câmp', 'Raw text': 'Text brut'
};

// The properties panel's header names the element's type in English words ("Service Task",
// "Message Start Event", "Timer Boundary Event (Non Interrupting)") and passes them through
// translate: the plain types are listed, the event types are composed from kind and trigger.
const HEADER_TYPES = {
  fa: {
    'Task': 'وظیفه', 'User Task': 'وظیفهٔ کاربر (کارتابل)', 'Service Task': 'وظیفهٔ سرویس (فعالیت)', 'Script Task': 'وظیفهٔ اسکریپت',
    'Send Task': 'وظیفهٔ ارسال', 'Receive Task': 'وظیفهٔ دریافت', 'Manual Task': 'وظیفهٔ دستی',
    'Business Rule Task': 'وظیفهٔ قاعدهٔ کسب‌وکار', 'Call Activity': 'فراخوانی فرایند',
    'Collapsed Sub Process': 'زیرفرایند (بسته)', 'Expanded Sub Process': 'زیرفرایند (باز)',
    'Collapsed Ad Hoc Sub Process': 'زیرفرایند موردی (بسته)', 'Expanded Ad Hoc Sub Process': 'زیرفرایند موردی (باز)',
    'Event Sub Process': 'زیرفرایند رویداد', 'Transaction': 'تراکنش',
    'Gateway': 'درگاه', 'Exclusive Gateway': 'درگاه انحصاری', 'Parallel Gateway': 'درگاه موازی', 'Inclusive Gateway': 'درگاه فراگیر',
    'Complex Gateway': 'درگاه پیچیده', 'Event Based Gateway': 'درگاه رویدادمحور',
    'Sequence Flow': 'جریان ترتیبی', 'Conditional Flow': 'جریان شرطی', 'Default Flow': 'جریان پیش‌فرض', 'Message Flow': 'جریان پیام',
    'Association': 'ارتباط', 'Data Input Association': 'ارتباط ورودی داده', 'Data Output Association': 'ارتباط خروجی داده',
    'Data Object Reference': 'شیء داده', 'Data Store Reference': 'مخزن داده', 'Data Input': 'ورودی داده', 'Data Output': 'خروجی داده',
    'Group': 'گروه', 'Text Annotation': 'یادداشت', 'Lane': 'مسیر', 'Participant': 'مشارکت‌کننده', 'Process': 'فرایند',
    'Collaboration': 'همکاری'
  },
  ro: {
    'Task': 'Sarcină', 'User Task': 'Sarcină utilizator', 'Service Task': 'Sarcină de serviciu', 'Script Task': 'Sarcină script',
    'Send Task': 'Sarcină de trimitere', 'Receive Task': 'Sarcină de primire', 'Manual Task': 'Sarcină manuală',
    'Business Rule Task': 'Sarcină regulă de business', 'Call Activity': 'Apel de activitate',
    'Collapsed Sub Process': 'Subproces (restrâns)', 'Expanded Sub Process': 'Subproces (extins)',
    'Collapsed Ad Hoc Sub Process': 'Subproces ad-hoc (restrâns)', 'Expanded Ad Hoc Sub Process': 'Subproces ad-hoc (extins)',
    'Event Sub Process': 'Subproces de eveniment', 'Transaction': 'Tranzacție',
    'Gateway': 'Poartă', 'Exclusive Gateway': 'Poartă exclusivă', 'Parallel Gateway': 'Poartă paralelă', 'Inclusive Gateway': 'Poartă inclusivă',
    'Complex Gateway': 'Poartă complexă', 'Event Based Gateway': 'Poartă bazată pe evenimente',
    'Sequence Flow': 'Flux de secvență', 'Conditional Flow': 'Flux condițional', 'Default Flow': 'Flux implicit', 'Message Flow': 'Flux de mesaje',
    'Association': 'Asociere', 'Data Input Association': 'Asociere de intrare a datelor', 'Data Output Association': 'Asociere de ieșire a datelor',
    'Data Object Reference': 'Obiect de date', 'Data Store Reference': 'Depozit de date', 'Data Input': 'Intrare de date',
    'Data Output': 'Ieșire de date', 'Group': 'Grup', 'Text Annotation': 'Adnotare', 'Lane': 'Culoar', 'Participant': 'Participant',
    'Process': 'Proces', 'Collaboration': 'Colaborare'
  }
};

const EVENT_KINDS = {
  fa: { 'Start Event': 'رویداد شروع', 'End Event': 'رویداد پایان', 'Intermediate Catch Event': 'رویداد میانی دریافتی',
    'Intermediate Throw Event': 'رویداد میانی پرتابی', 'Boundary Event': 'رویداد مرزی' },
  ro: { 'Start Event': 'Eveniment de start', 'End Event': 'Eveniment de final', 'Intermediate Catch Event': 'Eveniment intermediar de captare',
    'Intermediate Throw Event': 'Eveniment intermediar de aruncare', 'Boundary Event': 'Eveniment de limită' }
};
const EVENT_TRIGGERS = {
  fa: { 'Message': 'پیام', 'Timer': 'زمانی', 'Signal': 'سیگنال', 'Error': 'خطا', 'Escalation': 'ارجاع', 'Conditional': 'شرطی',
    'Compensate': 'جبران', 'Cancel': 'لغو', 'Link': 'پیوند', 'Multiple': 'چندگانه', 'Parallel Multiple': 'چندگانهٔ موازی',
    'Terminate': 'قطعی' },
  ro: { 'Message': 'cu mesaj', 'Timer': 'temporizat', 'Signal': 'cu semnal', 'Error': 'cu eroare', 'Escalation': 'cu escaladare',
    'Conditional': 'condițional', 'Compensate': 'de compensare', 'Cancel': 'de anulare', 'Link': 'de legătură', 'Multiple': 'multiplu',
    'Parallel Multiple': 'multiplu paralel', 'Terminate': 'de terminare' }
};
const NON_INTERRUPTING = { fa: 'غیرقطع‌کننده', ro: 'neîntrerupător' };

function headerTypes(locale) {
  const types = { ...HEADER_TYPES[locale] };
  for (const [ kind, kindText ] of Object.entries(EVENT_KINDS[locale])) {
    for (const [ trigger, triggerText ] of [ [ '', '' ], ...Object.entries(EVENT_TRIGGERS[locale]) ]) {
      const key = trigger ? `${trigger} ${kind}` : kind;
      const text = trigger ? `${kindText} ${triggerText}` : kindText;
      types[key] = text;
      types[`${key} (Non Interrupting)`] = `${text} (${NON_INTERRUPTING[locale]})`;
    }
  }
  return types;
}

const DICTIONARIES = {
  en: {}, fa: { ...headerTypes('fa'), ...fa, ...HISTORY_TEXTS.fa, ...forms.fa },
  ro: { ...headerTypes('ro'), ...ro, ...HISTORY_TEXTS.ro, ...forms.ro }
};

export function makeTranslate(locale) {
  return translator(DICTIONARIES[locale] || {});
}

// diagram-js's translate service, replaced for the whole modeler (palette, context pad, panel).
export function translateModule(locale) {
  return { translate: [ 'value', makeTranslate(locale) ] };
}
