/**
 * Common given names across languages, for the "Given Surname" rule. Names that are also common
 * words or places (Will, Mark, Grace, May, April, Jordan, Christian, Frank…) are left out on
 * purpose: they would cost precision, and a title, a greeting or "my name is" still finds them.
 */
export const GIVEN_NAMES: ReadonlySet<string> = new Set(
  // English
  (
    'James John Robert Michael David William Richard Joseph Thomas Charles Christopher Daniel Matthew ' +
    'Anthony Donald Steven Stephen Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald Edward ' +
    'Jason Jeffrey Ryan Jacob Gary Eric Jonathan Larry Justin Scott Brandon Benjamin Samuel Gregory ' +
    'Alexander Patrick Raymond Dennis Jerry Tyler Aaron Henry Adam Douglas Nathan Peter Zachary Kyle ' +
    'Noah Ethan Jeremy Walter Keith Roger Sean Gerald Carl Harold Arthur Lawrence Jesse Bryan Joe ' +
    'Bruce Albert Gabriel Alan Wayne Ralph Randy Eugene Vincent Russell Philip Bobby Johnny ' +
    'Bradley Oliver Liam Lucas Mason Elijah Owen Luke Isaac Julian Simon Martin Tom Tim Steve ' +
    'Mike Dave Chris Matt Andy Tony Ben Dan Sam Jim Bob Tom Fred Ted ' +
    'Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty Sandra ' +
    'Margaret Ashley Kimberly Emily Donna Michelle Dorothy Amanda Melissa Deborah Stephanie Rebecca ' +
    'Sharon Laura Cynthia Kathleen Amy Angela Shirley Anna Brenda Pamela Emma Nicole Helen Samantha ' +
    'Katherine Christine Rachel Carolyn Janet Catherine Maria Heather Diane Julie Olivia Joyce Kelly ' +
    'Christina Lauren Joan Evelyn Judith Megan Andrea Cheryl Hannah Jacqueline Martha Gloria Teresa ' +
    'Sara Madison Frances Kathryn Janice Abigail Alice Judy Sophia Julia Isabella Chloe Mia ' +
    'Charlotte Amelia Ella Lily Zoe Natalie Claire Lucy Sophie Ava Jane Kate Susan Wendy Tina ' +
    // Spanish, Portuguese
    'Carlos José Jose Luis Miguel Jorge Pedro Alejandro Diego Javier Sergio Pablo Manuel Fernando ' +
    'Ricardo Rafael Antonio Francisco Andrés Juan Lucía Sofía Valentina Camila Gabriela Isabel Carmen ' +
    'Pilar Beatriz João Ana Mariana Paula Rosa Marta Elena Raúl Gonzalo ' +
    // French
    'Camille Pierre Nicolas Julien Antoine Mathieu Chloé Léa Manon Inès Juliette Amélie Élodie Céline ' +
    'Sébastien François Guillaume Étienne Thierry Isabelle Nathalie Sylvie Aurélie ' +
    // German, Dutch, Nordic
    'Lukas Jonas Leon Felix Maximilian Tobias Sebastian Stefan Jürgen Klaus Wolfgang Andreas Hans ' +
    'Lena Katharina Sabine Ursula Monika Petra Lars Sven Anders Erik Ingrid Astrid Sanne Pieter ' +
    // Italian
    'Giuseppe Marco Giovanni Francesco Alessandro Luca Matteo Lorenzo Giulia Francesca Chiara Alessia ' +
    // Indian
    'Priya Rahul Amit Arjun Vikram Anil Sunil Ravi Sanjay Deepak Neha Pooja Anjali Sneha Aditya Rohan ' +
    'Karan Aarav Ananya Divya Kavya Meera Lakshmi Suresh Ramesh Ashok Vijay Rajesh Sunita ' +
    // Arabic, Turkish, Persian
    'Mohammed Mohammad Muhammad Ahmed Ahmad Ali Omar Hassan Hussein Yusuf Ibrahim Khalid Fatima Aisha ' +
    'Layla Mariam Zainab Leila Mehmet Mustafa Emre Reza Dariush ' +
    // Slavic
    'Ivan Dmitri Dmitry Sergei Sergey Alexei Alexey Vladimir Nikolai Olga Natalia Tatiana Svetlana ' +
    'Irina Anastasia Ekaterina Piotr Tomasz Katarzyna Agnieszka Elena ' +
    // East Asian (romanised)
    'Wei Hiroshi Takeshi Yuki Haruto Kenji Akira Haruki Yuto Minjun Jiwoo Seoyeon Xiaoming Jing ' +
    'Mei Hui Yan Hao Lei Xin'
  )
    .split(/\s+/)
    .filter(Boolean),
);
