// The texts of forms in fa and ro: the designer's Form group and editor dialog, and the form
// viewer's validation messages (forms/messages.js). i18n.js merges them into its dictionaries.
export const fa = {
  'Form': 'فرم', 'Design form': 'طراحی فرم', 'Edit form': 'ویرایش فرم', 'Remove form': 'حذف فرم',
  'Form of {name}': 'فرم «{name}»', 'Save form': 'ذخیرهٔ فرم', 'Cancel': 'انصراف',
  'Drag fields from the left onto the form (or select one and press Enter); click a field to set its label, key and whether it is required.':
    'فیلدها را از ستون کناری روی فرم بکشید (یا یکی را برگزینید و Enter بزنید)؛ با کلیک روی هر فیلد، برچسب، کلید و الزامی بودنش را تعیین کنید.',
  'The form has no fields yet': 'فرم هنوز فیلدی ندارد',
  'No form: the person sees only the action buttons': 'بدون فرم: شخص فقط دکمه‌های اقدام را می‌بیند',
  'Start form': 'فرم شروع',
  'No form: whoever starts the process types its data as fields and values': 'بدون فرم: هر که فرایند را شروع کند، داده‌هایش را به‌صورت فیلد و مقدار می‌نویسد',
  'The form is not valid JSON; designing it anew replaces it': 'فرم JSON معتبر نیست؛ طراحی دوباره جایگزینش می‌کند',
  'Required': 'الزامی', 'required': 'الزامی',
  'Text field': 'فیلد متنی', 'Text area': 'متن چندخطی', 'Number': 'عدد', 'Checkbox': 'چک‌باکس', 'Checklist': 'فهرست انتخابی',
  'Radio group': 'گزینه‌های رادیویی', 'Select field': 'فیلد انتخابی', 'Tag list': 'فهرست برچسب', 'Date time': 'تاریخ و زمان',
  'File picker': 'انتخاب فایل', 'Dynamic list': 'فهرست پویا', 'Group': 'گروه',
  'This field is required': 'پر کردن این فیلد الزامی است',
  'This field is required to take this action': 'برای این اقدام، پر کردن این فیلد الزامی است', 'Must be a number': 'باید عدد باشد',
  'Must be at least {value}': 'باید دست‌کم {value} باشد', 'Must be at most {value}': 'باید حداکثر {value} باشد',
  'Must have at least {value} characters': 'باید دست‌کم {value} نویسه داشته باشد',
  'Must have at most {value} characters': 'باید حداکثر {value} نویسه داشته باشد',
  'Must be an email address': 'باید نشانی ایمیل باشد',
  'Must be an international phone number (e.g. +4930664040900)': 'باید شمارهٔ تلفن بین‌المللی باشد (مثلاً ‎+989121234567)',
  'Must match the pattern {value}': 'باید با الگوی {value} جور باشد',
  // form-js's own controls (forms/ui-texts.js; its "Select" is the designer's, in i18n.js)
  'Search': 'جستجو', 'No results': 'چیزی پیدا نشد', 'All values selected': 'همهٔ گزینه‌ها انتخاب شده‌اند',
  'Add new': 'افزودن', 'Collapse': 'جمع کردن', 'Expand all ({value})': 'نمایش همه ({value})',
  'No files selected': 'فایلی انتخاب نشده است'
};

export const ro = {
  'Form': 'Formular', 'Design form': 'Proiectează formularul', 'Edit form': 'Editează formularul',
  'Remove form': 'Șterge formularul', 'Form of {name}': 'Formularul „{name}”', 'Save form': 'Salvează formularul',
  'Cancel': 'Renunță',
  'Drag fields from the left onto the form (or select one and press Enter); click a field to set its label, key and whether it is required.':
    'Trageți câmpurile din stânga pe formular (sau selectați unul și apăsați Enter); faceți clic pe un câmp pentru a-i stabili eticheta, cheia și dacă este obligatoriu.',
  'The form has no fields yet': 'Formularul nu are încă niciun câmp',
  'No form: the person sees only the action buttons': 'Fără formular: persoana vede doar butoanele de acțiune',
  'Start form': 'Formular de pornire',
  'No form: whoever starts the process types its data as fields and values': 'Fără formular: cine pornește procesul îi scrie datele drept câmpuri și valori',
  'The form is not valid JSON; designing it anew replaces it': 'Formularul nu este JSON valid; proiectarea din nou îl înlocuiește',
  'Required': 'Obligatoriu', 'required': 'obligatoriu',
  'Text field': 'Câmp text', 'Text area': 'Zonă de text', 'Number': 'Număr', 'Checkbox': 'Casetă de bifat',
  'Checklist': 'Listă de bifat', 'Radio group': 'Grup de opțiuni', 'Select field': 'Listă de selecție', 'Tag list': 'Listă de etichete',
  'Date time': 'Dată și oră', 'File picker': 'Alegere fișier', 'Dynamic list': 'Listă dinamică', 'Group': 'Grup',
  'This field is required': 'Câmpul este obligatoriu',
  'This field is required to take this action': 'Câmpul este obligatoriu pentru această acțiune', 'Must be a number': 'Trebuie să fie un număr',
  'Must be at least {value}': 'Trebuie să fie cel puțin {value}', 'Must be at most {value}': 'Trebuie să fie cel mult {value}',
  'Must have at least {value} characters': 'Trebuie să aibă cel puțin {value} caractere',
  'Must have at most {value} characters': 'Trebuie să aibă cel mult {value} caractere',
  'Must be an email address': 'Trebuie să fie o adresă de e-mail',
  'Must be an international phone number (e.g. +4930664040900)': 'Trebuie să fie un număr de telefon internațional (de ex. +40212345678)',
  'Must match the pattern {value}': 'Trebuie să respecte modelul {value}',
  // form-js's own controls (forms/ui-texts.js; its "Select" is the designer's, in i18n.js)
  'Search': 'Căutare', 'No results': 'Niciun rezultat', 'All values selected': 'Toate valorile sunt selectate',
  'Add new': 'Adaugă', 'Collapse': 'Restrânge', 'Expand all ({value})': 'Arată tot ({value})',
  'No files selected': 'Niciun fișier selectat'
};
